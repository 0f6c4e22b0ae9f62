// A server that is stopping (SIGTERM), for the gateway and the agent alike: readiness turns 503 so a
// load balancer moves on, new requests are refused with the caller's 503, requests in flight finish
// (an event stream counts until its body ends), and `signal` tells event streams to send their
// `retry:` hint and end. Web APIs only (the gateway runs it on workerd too).
import type { MiddlewareHandler } from 'hono';

/** What a closed stream tells the client: reconnect after this many milliseconds. */
export const RETRY_HINT_MS = 1000;

export class Drain {
  private readonly ctl = new AbortController();
  private inFlight = 0;
  private idle: (() => void)[] = [];

  get draining(): boolean {
    return this.ctl.signal.aborted;
  }
  /** Fires when draining starts. */
  get signal(): AbortSignal {
    return this.ctl.signal;
  }
  /** Requests being answered now (streams included). */
  get active(): number {
    return this.inFlight;
  }

  start(): void {
    this.ctl.abort();
    this.settle();
  }

  /** Resolves once no request is in flight. */
  settled(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((r) => this.idle.push(r));
  }

  enter(): () => void {
    this.inFlight++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.inFlight--;
      this.settle();
    };
  }

  private settle(): void {
    if (this.inFlight === 0) for (const r of this.idle.splice(0)) r();
  }
}

/** Counts requests in flight and refuses new ones while draining (`exempt` paths: health, ready, metrics). */
export function drainGuard(drain: Drain, exempt: readonly string[], refuse: () => Response): MiddlewareHandler {
  return async (c, next) => {
    if (drain.draining && !exempt.includes(c.req.path)) {
      const res = refuse();
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
    if (!body || !c.res.headers.get('content-type')?.startsWith('text/event-stream')) {
      leave();
      return;
    }
    // A stream is in flight until its body has been read to the end or cancelled.
    const reader = body.getReader();
    c.res = new Response(
      new ReadableStream({
        async pull(ctl) {
          try {
            const { done, value } = await reader.read();
            if (done) {
              leave();
              ctl.close();
            } else ctl.enqueue(value);
          } catch (e) {
            leave();
            ctl.error(e);
          }
        },
        cancel(reason) {
          leave();
          return reader.cancel(reason);
        },
      }),
      c.res,
    );
  };
}
