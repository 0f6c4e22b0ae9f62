// Progress and cancellation shared by every long write operation (docs/contracts.md LongOp).
// An operation in several phases reports each phase's own done/total and, in `fraction`, how much
// of the whole is done (each phase has a fixed share): the CLI's -p line follows the fraction.
import { VdiskError } from '../../errors/vdisk-error.js';

export interface Progress {
  phase: string;
  done: number;
  total: number;
  /** Share of the whole operation done, 0..1, never going back (operations in several phases). */
  fraction?: number;
}
export interface LongOp {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new VdiskError('E_CANCELLED', undefined, { reason: String(signal.reason ?? 'aborted') });
}

/** A reporter that never goes backwards and skips repeats. */
export function reporter(op: LongOp, phase: string, total: number): (done: number) => void {
  let last = -1;
  return (done) => {
    const d = Math.min(total, Math.max(last, done));
    if (d === last) return;
    last = d;
    op.onProgress?.({ phase, done: d, total });
  };
}

export type PhaseReporter = (phase: string, total: number) => (done: number) => void;

/**
 * Reporters for the phases of one operation, `shares` giving each phase's part of the whole (they
 * sum to 1, in the order the phases run). A phase with nothing to do is reported as total 0: its
 * whole share counts as done, so the fraction reaches 1 whichever phases had work.
 */
export function phased(op: LongOp, shares: Record<string, number>): PhaseReporter {
  const start = new Map<string, number>();
  let at = 0;
  for (const [k, v] of Object.entries(shares)) {
    start.set(k, at);
    at += v;
  }
  let lastFraction = 0;
  return (phase, total) => {
    const from = start.get(phase) ?? lastFraction;
    const share = shares[phase] ?? 0;
    let last = -1;
    return (done) => {
      const d = Math.min(total, Math.max(last, done));
      if (d === last) return;
      last = d;
      lastFraction = Math.min(1, Math.max(lastFraction, from + share * (total ? d / total : 1)));
      op.onProgress?.({ phase, done: d, total, fraction: lastFraction });
    };
  };
}
