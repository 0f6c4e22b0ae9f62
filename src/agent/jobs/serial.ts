// A queue of async sections that must not interleave (the engine's per-call state, the store's
// read-modify-write). Sections run in call order; a failed one does not block the next.
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.tail.then(fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
