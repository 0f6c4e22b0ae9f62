// Job events written down, one file per job (STATE/events/JOB.jsonl, one JSON event per line), so
// event ids survive a restart: the restarted agent loads a job's events and numbers new ones after
// them. Each event is written (not fsync'd) before any watcher sees it: a killed process loses
// nothing it wrote. The journal stays the record of what ran; this file only numbers what watchers
// saw. After a power loss the tail may be missing; ids then continue from what survived. A torn or
// out-of-sequence line ends the load there (what follows is not trusted). Files of jobs compacted
// out of the journal are removed with them.
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { privateDir } from '../../auth/private-files.js';
import type { EventSink, JobEvent } from './job-events.js';

/** Job ids this agent makes (job-HEX) or journals name; anything else is not turned into a path. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const KINDS = new Set(['state', 'progress', 'step', 'switched', 'end']);

export class EventLog {
  constructor(readonly dir: string) {
    privateDir(dir);
  }

  private file(job: string): string | undefined {
    return SAFE_ID.test(job) ? join(this.dir, `${job}.jsonl`) : undefined;
  }

  /** A sink appending to the job's file; opened on the first event, closed after `end`. */
  sink(job: string, onError: (message: string) => void = () => {}): EventSink | undefined {
    const path = this.file(job);
    if (!path) return undefined;
    let fd = -1;
    return {
      append(e: JobEvent) {
        try {
          if (fd < 0) fd = openSync(path, 'a', 0o600);
          writeSync(fd, `${JSON.stringify(e)}\n`);
        } catch (err) {
          // A full disk must not stop the job: the event still goes out, it is only not kept.
          onError((err as Error).message);
        }
      },
      close() {
        if (fd >= 0) closeSync(fd);
        fd = -1;
      },
    };
  }

  /** The job's events as written: ids 1..n without a gap, stopping at the first line that breaks that. */
  load(job: string): JobEvent[] {
    const path = this.file(job);
    if (!path || !existsSync(path)) return [];
    const out: JobEvent[] = [];
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    for (const line of lines) {
      let e: JobEvent;
      try {
        e = JSON.parse(line) as JobEvent;
      } catch {
        break;
      }
      if (!e || e.id !== out.length + 1 || !KINDS.has(e.event)) break;
      out.push({ id: e.id, event: e.event, data: e.data });
    }
    // Cut what was not trusted, so new events follow the last good one.
    if (out.length < lines.length)
      writeFileSync(path, out.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 });
    return out;
  }

  remove(job: string): void {
    const path = this.file(job);
    if (path) rmSync(path, { force: true });
  }
}
