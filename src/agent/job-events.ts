// A job's event stream for Server-Sent Events: numbered from 1, kept in memory for the job's life so
// a watcher that reconnects with Last-Event-ID gets what it missed, then live events.
export interface JobEvent { id: number; event: 'state' | 'progress' | 'step' | 'switched' | 'end'; data: unknown }

export class JobEvents {
  readonly list: JobEvent[] = [];
  private readonly subscribers = new Set<(e: JobEvent) => void>();

  emit(event: JobEvent['event'], data: unknown): void {
    const e = { id: this.list.length + 1, event, data };
    this.list.push(e);
    for (const s of [...this.subscribers]) s(e);
  }

  /** Events after `lastId`, then every new one; returns the unsubscribe function. */
  follow(lastId: number, fn: (e: JobEvent) => void): () => void {
    for (const e of this.list) if (e.id > lastId) fn(e);
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }
}
