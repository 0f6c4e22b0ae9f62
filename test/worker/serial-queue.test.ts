// The bridge's queue: one call at a time, in order; a call aborted while waiting never starts.
import { describe, expect, it } from 'vitest';
import { SerialQueue } from '../../worker/serial-queue.js';

describe('SerialQueue', () => {
  it('runs tasks one at a time and skips a task aborted while it waited', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const first = q.push(
      () =>
        new Promise<void>((r) => {
          log.push('a start');
          release = () => {
            log.push('a end');
            r();
          };
          started();
        }),
    );
    const ac = new AbortController();
    const skipped = q.push(async () => {
      log.push('b');
    }, ac.signal);
    const third = q.push(async () => {
      log.push('c');
    });
    ac.abort(new Error('no longer wanted'));
    await running;
    release();
    await first;
    await expect(skipped).rejects.toThrow('no longer wanted');
    await third;
    expect(log).toEqual(['a start', 'a end', 'c']);
  });
});
