// The event log file: a torn or out-of-sequence line ends what is loaded and is cut away, so events
// written after the restart follow the last good one; ids that are not plain names never become paths.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventLog } from '../../../src/agent/jobs/event-log.js';
import { JobEvents } from '../../../src/agent/jobs/job-events.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('event log', () => {
  it('loads ids 1..n, stops at a torn line, and continues after the last good event', () => {
    dir = mkdtempSync(join(tmpdir(), 'vev-'));
    const log = new EventLog(join(dir, 'events'));
    const first = new JobEvents(log.sink('job-1'));
    first.emit('state', { state: 'running' });
    first.emit('progress', { progress: 0.5 });
    appendFileSync(join(dir, 'events', 'job-1.jsonl'), '{"id":3,"event":"step","da'); // killed mid-write
    const loaded = log.load('job-1');
    expect(loaded.map((e) => e.id)).toEqual([1, 2]);
    const again = new JobEvents(log.sink('job-1'), loaded);
    again.emit('end', { state: 'done' });
    expect(log.load('job-1')).toEqual([...first.list, { id: 3, event: 'end', data: { state: 'done' } }]);
    expect(statSync(join(dir, 'events', 'job-1.jsonl')).mode & 0o777).toBe(0o600);
  });

  it('an id out of sequence ends the load; unsafe job ids are neither written nor read', () => {
    dir = mkdtempSync(join(tmpdir(), 'vev-'));
    const log = new EventLog(join(dir, 'events'));
    appendFileSync(
      join(dir, 'events', 'job-2.jsonl'),
      '{"id":1,"event":"state","data":{}}\n{"id":5,"event":"end","data":{}}\n',
    );
    expect(log.load('job-2').map((e) => e.id)).toEqual([1]);
    expect(
      readFileSync(join(dir, 'events', 'job-2.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(1);
    expect(log.sink('../escape')).toBeUndefined();
    expect(log.load('../escape')).toEqual([]);
    new JobEvents(log.sink('../escape')).emit('state', {});
    expect(existsSync(join(dir, 'escape.jsonl'))).toBe(false);
    log.remove('job-2');
    expect(readdirSync(join(dir, 'events'))).toEqual([]);
  });
});
