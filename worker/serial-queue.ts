// One call at a time: the engine has one request queue, so calls into a worker never overlap.
// A call whose signal is aborted while it waits never starts.
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  get size(): number {
    return this.waiting;
  }

  push<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    this.waiting++;
    const run = async () => {
      try {
        signal?.throwIfAborted();
        return await task();
      } finally {
        this.waiting--;
      }
    };
    const p = this.tail.then(run, run);
    this.tail = p.catch(() => undefined);
    return p;
  }
}
