// Job events written down, one file per job (STATE/events/JOB.jsonl, one JSON event per line), so
// event ids survive a restart: the restarted agent loads a job's events and numbers new ones after
// them. Each event is written (not fsync'd) before any watcher sees it: a killed process loses
// nothing it wrote. The journal stays the record of what ran; this file only numbers what watchers
// saw. After a power loss the tail may be missing; ids then continue from what survived. A torn or
// out-of-sequence line ends the load there (what follows is not trusted). Files of jobs compacted
// out of the journal are removed with them.
// Bounded and contained: a load reads at most the file's last MAX_EVENT_BYTES (a long job's older
// progress events are dropped; ids continue after the last one), and nothing opens, truncates or
// appends through a symlink standing in a file's place (it is removed, never followed).
import { closeSync, constants, openSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isVdiskError } from '../../errors/vdisk-error.js';
import { privateDir } from '../../auth/private-files.js';
import type { EventSink, JobEvent } from './job-events.js';
import { readStateTail } from './state-read.js';

/** Job ids this agent makes (job-HEX) or journals name; anything else is not turned into a path. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const KINDS = new Set(['state', 'progress', 'step', 'switched', 'end']);
/** The most of one job's event file read at a load: ~10,000 events. */
export const MAX_EVENT_BYTES = 1 << 20;
const { O_WRONLY, O_CREAT, O_APPEND, O_TRUNC, O_NOFOLLOW } = constants;

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
          if (fd < 0) fd = openSync(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, 0o600);
          writeSync(fd, `${JSON.stringify(e)}\n`);
        } catch (err) {
          // A full disk (or a link in the file's place) must not stop the job: the event still goes out, it is only not kept.
          onError((err as Error).message);
        }
      },
      close() {
        if (fd >= 0) closeSync(fd);
        fd = -1;
      },
    };
  }

  /**
   * The job's events as written: consecutive ids (from 1, or from wherever the bounded read starts),
   * stopping at the first line that breaks that. `onError` hears of a file that could not be read.
   */
  load(job: string, onError: (code: string, message: string) => void = () => {}): JobEvent[] {
    const path = this.file(job);
    if (!path) return [];
    let read: ReturnType<typeof readStateTail>;
    try {
      read = readStateTail(path, MAX_EVENT_BYTES);
    } catch (e) {
      if (!isVdiskError(e)) throw e;
      onError(String(e.code), e.message);
      unlinkQuietly(path); // not a file this agent wrote: new events start a fresh one
      return [];
    }
    if (!read) return [];
    const out: JobEvent[] = [];
    const lines = read.text.split('\n').filter(Boolean);
    for (const line of lines) {
      let e: JobEvent;
      try {
        e = JSON.parse(line) as JobEvent;
      } catch {
        break;
      }
      const next = out.length ? out[out.length - 1]!.id + 1 : read.skipped > 0 ? e?.id : 1;
      if (!e || !Number.isSafeInteger(e.id) || e.id < 1 || e.id !== next || !KINDS.has(e.event)) break;
      out.push({ id: e.id, event: e.event, data: e.data });
    }
    // Cut what was not trusted or not read, so new events follow the last good one.
    if (out.length < lines.length || read.skipped > 0) rewrite(path, out);
    return out;
  }

  remove(job: string): void {
    const path = this.file(job);
    if (path) rmSync(path, { force: true });
  }
}

/** Replaces the file with `events`: a new file renamed over the name (a link there is replaced, not followed). */
function rewrite(path: string, events: JobEvent[]): void {
  const tmp = `${path}.tmp`;
  unlinkQuietly(tmp);
  const fd = openSync(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* gone already, or a directory: the open that follows refuses it */
  }
}
