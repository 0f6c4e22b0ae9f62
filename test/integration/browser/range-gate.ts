// A gate on the test site's range route: while closed, every range request that reaches at or past
// `from` (a byte offset of the file) is held unanswered until the test opens the gate. A convert that
// needs those bytes cannot finish, whatever its speed and however many ranges it keeps in flight, so a
// test that acts mid-way (a cancel) does so while the convert is certainly still running.
export class RangeGate {
  private from = Infinity;
  private waiting: (() => void)[] = [];
  /** Requests held so far (the test waits for one before it acts). */
  held = 0;

  /** Holds requests whose last byte is at or past `from` from now on. */
  close(from: number): void {
    this.from = from;
  }

  /** Answers every held request and lets later ones through. */
  open(): void {
    this.from = Infinity;
    for (const go of this.waiting.splice(0)) go();
  }

  /** Resolves once a request is held (rejects after `timeoutMs` without one). */
  async reached(timeoutMs: number): Promise<void> {
    for (const end = Date.now() + timeoutMs; this.held === 0; await new Promise((r) => setTimeout(r, 20)))
      if (Date.now() > end) throw new Error(`no range request reached the gate in ${timeoutMs} ms`);
  }

  /** Resolves when the request for bytes first..last may be answered. */
  pass(last: number): Promise<void> {
    if (last < this.from) return Promise.resolve();
    this.held++;
    return new Promise((go) => this.waiting.push(go));
  }
}
