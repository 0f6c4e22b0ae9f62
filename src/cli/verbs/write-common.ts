// Shared bits of the writing verbs: qemu-img's -p progress line, Ctrl-C as an AbortSignal, and the
// two run together around an operation.
import type { CliIo } from '../io.js';
import type { Progress } from '../../engine/ops/progress.js';

/**
 * qemu-img -p: "    (12.34/100%)\r", printed when the percentage moves by 0.01 or more (the whole
 * operation's fraction where it runs in phases).
 */
export function progressPrinter(io: CliIo, on: boolean): ((p: Progress) => void) | undefined {
  if (!on) return undefined;
  let last = -1;
  return (p) => {
    const pct = p.fraction !== undefined ? p.fraction * 100 : p.total ? (p.done * 100) / p.total : 100;
    if (pct - last < 0.01 && pct < 100) return;
    last = pct;
    io.stdout(`    (${pct.toFixed(2)}/100%)\r`);
  };
}

/** Ctrl-C cancels the operation cleanly (temporaries removed) instead of killing it mid-write. */
export function sigintSignal(): { signal: AbortSignal; done(): void } {
  const ac = new AbortController();
  const on = () => ac.abort(new Error('interrupted'));
  process.once('SIGINT', on);
  process.once('SIGTERM', on);
  return {
    signal: ac.signal,
    done: () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}

/** What a writing operation takes from its verb: the -p printer (if asked) and the Ctrl-C signal. */
export interface OpHooks {
  onProgress: ((p: Progress) => void) | undefined;
  signal: AbortSignal;
}

/**
 * Runs a writing operation as qemu-img does: progress lines with -p, Ctrl-C cancels it cleanly, and
 * "(100.00/100%)" once it has succeeded.
 */
export async function runWriting<T>(io: CliIo, progress: boolean, op: (h: OpHooks) => Promise<T>): Promise<T> {
  const cancel = sigintSignal();
  let result: T;
  try {
    result = await op({ onProgress: progressPrinter(io, progress), signal: cancel.signal });
  } finally {
    cancel.done();
  }
  if (progress) io.stdout('    (100.00/100%)\n');
  return result;
}
