// A record of one QMP session, in order: every command sent (name and arguments), every event
// received (without QEMU's timestamp) and every reply, a return value or an error. Real runs' transcripts are compared with
// the planner's simulator, so entries hold exactly what crossed the socket, as plain JSON.
export type TranscriptEntry =
  | { type: 'command'; execute: string; arguments?: Record<string, unknown> }
  | { type: 'event'; event: string; data?: Record<string, unknown> }
  | { type: 'return'; execute: string; return: unknown }
  | { type: 'error'; execute: string; class: string; desc: string };

export class Transcript {
  readonly entries: TranscriptEntry[] = [];

  record(entry: TranscriptEntry): void {
    // A deep copy, so later mutation by the caller cannot rewrite history.
    this.entries.push(JSON.parse(JSON.stringify(entry)) as TranscriptEntry);
  }

  /**
   * The commands in the order they were sent: what a simulator must reproduce. `queries: false`
   * leaves out `query-*` commands, which change nothing and depend on how often a waiter polls.
   */
  commands(opts: { queries?: boolean } = {}): Array<{ execute: string; arguments?: Record<string, unknown> }> {
    const keep = (name: string) => opts.queries !== false || !name.startsWith('query-');
    return this.entries.flatMap((e) =>
      e.type === 'command' && keep(e.execute) ? [{ execute: e.execute, arguments: e.arguments }] : [],
    );
  }

  events(name?: string): Array<{ event: string; data?: Record<string, unknown> }> {
    return this.entries.flatMap((e) =>
      e.type === 'event' && (name === undefined || e.event === name) ? [{ event: e.event, data: e.data }] : [],
    );
  }

  toJSON(): TranscriptEntry[] {
    return this.entries;
  }
}
