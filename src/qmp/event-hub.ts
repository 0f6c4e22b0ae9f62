// Delivers QMP events to subscribers and lets callers await one event. Waiters are failed with
// the connection's error when the socket goes away, so nobody waits for an event that cannot come.
import type { VdiskError } from '../errors/vdisk-error.js';
import type { QmpEvent } from './messages.js';

export type EventListener = (event: QmpEvent) => void;

interface Waiter {
  reject: (e: VdiskError) => void;
  cleanup: () => void;
}

export class EventHub {
  private readonly listeners = new Set<{ name?: string; fn: EventListener }>();
  private readonly waiters = new Set<Waiter>();
  private failure: VdiskError | undefined;

  /** Calls `fn` for every event (or every event named `name`); returns the unsubscribe function. */
  subscribe(fn: EventListener, name?: string): () => void {
    const entry = { name, fn };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  emit(event: QmpEvent): void {
    for (const l of [...this.listeners]) {
      if (l.name !== undefined && l.name !== event.event) continue;
      try {
        l.fn(event);
      } catch (e) {
        // A subscriber's bug must not stop the others or the client's reading; surface it apart.
        setImmediate(() => {
          throw e;
        });
      }
    }
  }

  /**
   * Resolves with the next event named `name` that `predicate` accepts. Subscribe before sending
   * the command that causes the event: events that already passed are not replayed.
   */
  waitFor(
    name: string,
    predicate: (e: QmpEvent) => boolean,
    timeoutMs: number,
    onTimeout: () => VdiskError,
  ): Promise<QmpEvent> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        reject,
        cleanup: () => {
          clearTimeout(timer);
          unsubscribe();
          this.waiters.delete(waiter);
        },
      };
      const timer = setTimeout(() => {
        waiter.cleanup();
        reject(onTimeout());
      }, timeoutMs);
      const unsubscribe = this.subscribe((e) => {
        if (!predicate(e)) return;
        waiter.cleanup();
        resolve(e);
      }, name);
      this.waiters.add(waiter);
    });
  }

  /** Fails every current and future waiter with `error` (the connection is gone). */
  fail(error: VdiskError): void {
    this.failure = error;
    for (const w of [...this.waiters]) {
      w.cleanup();
      w.reject(error);
    }
  }
}
