// Finished jobs moved out of the journal (src/agent/jobs/journal-compact.ts) live in `history.jsonl`: one
// line per job, `{"id","createdAt","status"}` (and `"plan"` when the job left orphans or stuck steps:
// its retry plan is built from it), appended and fsync'd. The file is read once, lazily,
// into an index of byte offsets (not statuses), so memory and start-up stay small however long the
// history; a status is read back from its offset when asked for. A torn line (a crash mid-append)
// is skipped; the job it held is still in the journal and is appended again by the next compaction.
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { openPrivateAppend } from '../../auth/private-files.js';
import type { Plan } from '../../plan/plan-schema.js';
import { Job, type JobStatus } from './job.js';

export interface HistoryEntry {
  id: string;
  createdAt: string;
  offset: number;
  length: number;
}

export class JobHistory {
  private index?: Map<string, HistoryEntry>;
  private sorted?: HistoryEntry[];

  constructor(readonly path: string) {}

  /** Appends the statuses (with the plans given) and flushes them to disk before returning. */
  append(statuses: JobStatus[], plans: ReadonlyMap<string, Plan> = new Map()): void {
    if (!statuses.length) return;
    const index = this.load();
    const fd = openPrivateAppend(this.path, true); // readable too: the last byte is checked
    try {
      const size = fstatSync(fd).size;
      // A torn last line must not swallow the first new one.
      let text = size > 0 && lastByte(fd, size) !== 0x0a ? '\n' : '';
      const added: HistoryEntry[] = [];
      for (const s of statuses) {
        const plan = plans.get(s.id);
        const line = JSON.stringify({ id: s.id, createdAt: s.createdAt, status: s, ...(plan ? { plan } : {}) });
        added.push({
          id: s.id,
          createdAt: s.createdAt,
          offset: size + Buffer.byteLength(text),
          length: Buffer.byteLength(line),
        });
        text += `${line}\n`;
      }
      writeSync(fd, text);
      fsyncSync(fd);
      for (const e of added) index.set(e.id, e);
      this.sorted = undefined;
    } finally {
      closeSync(fd);
    }
  }

  has(id: string): boolean {
    return this.load().has(id);
  }

  get(id: string): JobStatus | undefined {
    return this.line(id)?.status;
  }

  /** The plan kept with a job that left something to retry. */
  plan(id: string): Plan | undefined {
    return this.line(id)?.plan;
  }

  private line(id: string): { status: JobStatus; plan?: Plan } | undefined {
    const e = this.load().get(id);
    if (!e) return undefined;
    const fd = openSync(this.path, 'r');
    try {
      const buf = Buffer.alloc(e.length);
      readSync(fd, buf, 0, e.length, e.offset);
      return JSON.parse(buf.toString('utf8')) as { status: JobStatus; plan?: Plan };
    } finally {
      closeSync(fd);
    }
  }

  /** Every entry, newest first (createdAt, then id, descending). */
  newestFirst(): readonly HistoryEntry[] {
    this.sorted ??= [...this.load().values()].sort((a, b) => compareNewestFirst(a, b));
    return this.sorted;
  }

  private load(): Map<string, HistoryEntry> {
    if (this.index) return this.index;
    const index = new Map<string, HistoryEntry>();
    const buf = existsSync(this.path) ? readFileSync(this.path) : Buffer.alloc(0);
    for (let start = 0; start < buf.length; ) {
      const nl = buf.indexOf(0x0a, start);
      const end = nl < 0 ? buf.length : nl;
      try {
        const { id, createdAt } = JSON.parse(buf.toString('utf8', start, end)) as { id: unknown; createdAt: unknown };
        if (typeof id === 'string' && typeof createdAt === 'string')
          index.set(id, { id, createdAt, offset: start, length: end - start });
      } catch {
        /* a torn line: its job is still in the journal */
      }
      start = end + 1;
    }
    this.index = index;
    return index;
  }
}

/** Order of job lists: newest first, ties broken by id (so a cursor names one place). */
export function compareNewestFirst(a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id === b.id ? 0 : a.id < b.id ? 1 : -1;
}

/** A finished job from its history line, for status, cancel (a no-op) and its two closing events. */
export function jobFromStatus(s: JobStatus, plan?: Plan): Job {
  // Only the plan's id, kind, summary and request are shown for a finished job; its steps are in the
  // report. The whole plan is kept only for a job with something to retry.
  const job = new Job(
    s.id,
    plan ?? ({ id: s.planId, kind: s.kind, summary: s.summary, request: s.request } as Plan),
    s.createdAt,
    undefined,
    undefined,
    s.startedBy,
  );
  job.restoreEnded(s.state, s.report, s.error, s.updatedAt);
  return job;
}

function lastByte(fd: number, size: number): number {
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, size - 1);
  return b[0]!;
}
