// Caps on concurrent event streams (SSE), per agent and per caller: a stream holds a subscription and
// a heartbeat timer for as long as its job runs, so without a cap one caller could hold them by the
// thousand. Over a cap the answer is 429 E_AGENT_TOO_MANY_STREAMS with Retry-After.
import { VdiskError } from '../../errors/vdisk-error.js';

/** Seconds a refused watcher should wait: streams end with their jobs, not in a fixed time. */
export const STREAM_RETRY_AFTER_S = 5;

export class StreamCaps {
  private total = 0;
  private readonly perCaller = new Map<string, number>();

  constructor(
    readonly maxTotal: number,
    readonly maxPerCaller: number,
  ) {}

  /** Takes a slot for `caller` or throws; the returned function gives it back (once). */
  acquire(caller: string): () => void {
    const mine = this.perCaller.get(caller) ?? 0;
    if (mine >= this.maxPerCaller)
      throw refused(`this caller already has ${mine} event streams open (the limit is ${this.maxPerCaller})`);
    if (this.total >= this.maxTotal)
      throw refused(`this agent already serves ${this.total} event streams (the limit is ${this.maxTotal})`);
    this.total++;
    this.perCaller.set(caller, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.perCaller.get(caller) ?? 1) - 1;
      if (left > 0) this.perCaller.set(caller, left);
      else this.perCaller.delete(caller);
    };
  }

  /** Open streams (for tests and diagnostics). */
  get open(): number {
    return this.total;
  }
}

const refused = (message: string) =>
  new VdiskError('E_AGENT_TOO_MANY_STREAMS', message, { retryAfter: STREAM_RETRY_AFTER_S });
