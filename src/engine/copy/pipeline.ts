// The copier's queue: a fixed pool of Wasm buffers and sink calls issued strictly in guest order
// (a sink allocates host space inside the call), each once its chunk's reads have landed. Reads and
// writes of up to `depth` chunks overlap; a buffer returns to the pool when its writes settle.
export class Pipeline {
  failure: unknown;
  private tail: Promise<void> = Promise.resolve();
  private readonly inflight = new Set<Promise<void>>();
  private readonly waiting: (() => void)[] = [];

  private writing = 0;
  private readonly writeWaiters: (() => void)[] = [];

  /** `maxWrites`: sink calls whose writes may be pending at once (reads are not limited by it). */
  constructor(
    private readonly pool: number[],
    private readonly maxWrites = Infinity,
  ) {}

  async take(): Promise<number> {
    while (this.pool.length === 0) await new Promise<void>((r) => this.waiting.push(r));
    return this.pool.pop()!;
  }

  give(ptr: number): void {
    this.pool.push(ptr);
    this.waiting.shift()?.();
  }

  /**
   * Calls `issue` after every earlier issue and once `ready` (the chunk's reads) resolved; the
   * promise it returns (the writes) is tracked, and `done` runs when that settles.
   */
  issue(ready: Promise<void> | undefined, issue: () => Promise<void>, done?: () => void): void {
    ready?.catch(() => {}); // handled below; not an unhandled rejection while earlier chunks run
    const step = this.tail
      .then(() => ready)
      .then(() => this.slot())
      .then(() => {
        if (this.failure) {
          this.release();
          return undefined;
        }
        let w: Promise<void>;
        try {
          w = issue();
        } catch (e) {
          this.release();
          throw e;
        }
        w.then(
          () => this.release(),
          () => this.release(),
        );
        return { w };
      });
    this.tail = step.then(
      () => {},
      (e) => {
        this.failure ??= e;
      },
    );
    this.track(step.then((o) => o?.w).finally(done));
  }

  private async slot(): Promise<void> {
    while (this.writing >= this.maxWrites) await new Promise<void>((r) => this.writeWaiters.push(r));
    this.writing++;
  }

  private release(): void {
    this.writing--;
    this.writeWaiters.shift()?.();
  }

  private track(p: Promise<void>): void {
    const t = p
      .catch((e) => {
        this.failure ??= e;
      })
      .finally(() => this.inflight.delete(t));
    this.inflight.add(t);
  }

  /** Waits until nothing is in flight. */
  async drain(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }
}
