// A job's event stream for Server-Sent Events: numbered from 1, kept in memory for the job's life so
// a watcher that reconnects with Last-Event-ID gets what it missed, then live events. With a sink
// (src/agent/jobs/event-log.ts) every event is written down before anyone sees it, and an agent that
// restarts loads them again: ids never restart, so a reader resuming after the restart with the id
// it last saw gets neither a repeat nor a gap.
export interface JobEvent {
  id: number;
  event: 'state' | 'progress' | 'step' | 'switched' | 'end';
  data: unknown;
}

/** Where events are written down (the agent's event log); `append` runs before subscribers see the event. */
export interface EventSink {
  append(e: JobEvent): void;
  close(): void;
}

export class JobEvents {
  readonly list: JobEvent[] = [];
  private readonly subscribers = new Set<(e: JobEvent) => void>();

  /** `restored`: the events written before a restart (consecutive ids up to n), continued from n + 1. */
  constructor(
    private readonly sink?: EventSink,
    restored: readonly JobEvent[] = [],
  ) {
    this.list.push(...restored);
  }

  get lastEvent(): JobEvent | undefined {
    return this.list.at(-1);
  }

  emit(event: JobEvent['event'], data: unknown): void {
    const e = { id: (this.lastEvent?.id ?? 0) + 1, event, data };
    this.sink?.append(e);
    this.list.push(e);
    if (event === 'end') this.sink?.close();
    for (const s of [...this.subscribers]) s(e);
  }

  /** Events after `lastId`, then every new one; returns the unsubscribe function. */
  follow(lastId: number, fn: (e: JobEvent) => void): () => void {
    for (const e of this.list) if (e.id > lastId) fn(e);
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }
}
