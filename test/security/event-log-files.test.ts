// Job event files (STATE/events/JOB.jsonl) are the agent's own state, read back at every restart for
// every job the journal holds. A hand-edited one must not reach outside the state dir (a symlink in
// its place is neither truncated through nor appended through), and a huge one costs a bounded read:
// the last part is loaded, ids still continue after the last event written.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventLog, MAX_EVENT_BYTES } from '../../src/agent/jobs/event-log.js';
import { JobEvents } from '../../src/agent/jobs/job-events.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A state dir's events folder and, next to the state dir, a file no state write may touch. */
function setup(): { events: string; outside: string } {
  dir = mkdtempSync(join(tmpdir(), 'vev-sec-'));
  const events = join(dir, 'state', 'events');
  mkdirSync(events, { recursive: true });
  const outside = join(dir, 'precious.txt');
  writeFileSync(outside, 'precious data, not an event\n');
  return { events, outside };
}

describe('job event files', () => {
  it('a symlink in place of an event file is not truncated through at load', () => {
    const { events, outside } = setup();
    symlinkSync(outside, join(events, 'job-1.jsonl'));
    const log = new EventLog(events);
    expect(log.load('job-1')).toEqual([]);
    expect(readFileSync(outside, 'utf8')).toBe('precious data, not an event\n');
  });

  it('a symlink in place of an event file is not appended through', () => {
    const { events, outside } = setup();
    symlinkSync(outside, join(events, 'job-2.jsonl'));
    const errors: string[] = [];
    new JobEvents(new EventLog(events).sink('job-2', (m) => errors.push(m))).emit('state', { state: 'running' });
    expect(readFileSync(outside, 'utf8')).toBe('precious data, not an event\n');
    expect(errors).toHaveLength(1);
  });

  it('a 40 MiB event file loads only its last part; the next event follows the last one written', () => {
    const { events } = setup();
    const n = 400_000;
    const lines: string[] = [];
    for (let id = 1; id <= n; id++) lines.push(JSON.stringify({ id, event: 'progress', data: { progress: id / n } }));
    writeFileSync(join(events, 'job-3.jsonl'), `${lines.join('\n')}\n`);
    const log = new EventLog(events);
    const loaded = log.load('job-3');
    expect(JSON.stringify(loaded).length).toBeLessThanOrEqual(MAX_EVENT_BYTES + 64 * 1024);
    expect(loaded.at(-1)?.id).toBe(n);
    expect(loaded.every((e, i) => i === 0 || e.id === loaded[i - 1]!.id + 1)).toBe(true);
    const again = new JobEvents(log.sink('job-3'), loaded);
    again.emit('end', { state: 'done' });
    expect(again.lastEvent?.id).toBe(n + 1);
    const reloaded = log.load('job-3');
    expect(reloaded.at(-1)).toEqual({ id: n + 1, event: 'end', data: { state: 'done' } });
    // A reader that resumes after the last event it saw gets exactly the end.
    const seen: number[] = [];
    new JobEvents(undefined, reloaded).follow(n, (e) => seen.push(e.id));
    expect(seen).toEqual([n + 1]);
  });
});
