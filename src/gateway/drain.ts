// A gateway copy that is stopping (SIGTERM): /v1/ready answers 503 so the load balancer moves on,
// new requests get 503 E_GATEWAY_DRAINING, requests in flight finish, and event streams are told to
// reconnect (an SSE `retry:` hint, then the stream ends; the client resumes elsewhere with
// Last-Event-ID). Web APIs only; on Node the CLI starts it, workerd drains isolates itself.
import { createMiddleware } from 'hono/factory';
import { VdiskError } from '../errors/vdisk-error.js';
import { problemResponse } from './problem.js';

/** What a closed stream tells the client: reconnect after this many milliseconds. */
export const RETRY_HINT_MS = 1000;

export class Drain {
  private readonly ctl = new AbortController();
  private inFlight = 0;
  private idle: (() => void)[] = [];

  get draining(): boolean { return this.ctl.signal.aborted; }
  /** Fires when draining starts: event relays end with their retry hint. */
  get signal(): AbortSignal { return this.ctl.signal; }
  get active(): number { return this.inFlight; }

  start(): void { this.ctl.abort(); this.settle(); }

  /** Resolves once no request is in flight (streams included). */
  settled(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((r) => this.idle.push(r));
  }

  enter(): () => void {
    this.inFlight++;
    let left = false;
    return () => { if (left) return; left = true; this.inFlight--; this.settle(); };
  }

  private settle(): void {
    if (this.inFlight === 0) for (const r of this.idle.splice(0)) r();
  }
}

/** Counts requests in flight (a stream until its body ends) and refuses new ones while draining. */
export function drainGuard(drain: Drain, exempt: readonly string[]) {
  return createMiddleware(async (c, next) => {
    if (drain.draining && !exempt.includes(c.req.path)) {
      const res = problemResponse(new VdiskError('E_GATEWAY_DRAINING'));
      res.headers.set('retry-after', '1');
      res.headers.set('connection', 'close');
      return res;
    }
    const leave = drain.enter();
    try {
      await next();
    } catch (e) {
      leave();
      throw e;
    }
    const body = c.res.body;
    if (!body || !c.res.headers.get('content-type')?.startsWith('text/event-stream')) { leave(); return; }
    // A stream is in flight until its body has been read to the end or cancelled.
    const reader = body.getReader();
    c.res = new Response(new ReadableStream({
      async pull(ctl) {
        try {
          const { done, value } = await reader.read();
          if (done) { leave(); ctl.close(); } else ctl.enqueue(value);
        } catch (e) { leave(); ctl.error(e); }
      },
      cancel(reason) { leave(); return reader.cancel(reason); },
    }), c.res);
  });
}
