// Progress and cancellation shared by every long write operation (docs/contracts.md LongOp).
import { VdiskError } from '../../errors/vdisk-error.js';

export interface Progress { phase: string; done: number; total: number }
export interface LongOp { signal?: AbortSignal; onProgress?: (p: Progress) => void }

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
