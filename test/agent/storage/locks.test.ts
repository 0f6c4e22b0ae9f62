// The agent holds an flock on each image it writes or removes: an image another process has
// locked is left alone (E_AGENT_LOCKED), reported as an orphan with the step to retry.
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { libc, LOCK } from '../../../src/io/native/libc.js';
import { ended, planFor, qemuImg, submit, testAgent, type TestAgent } from '../helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

describe('image locks', () => {
  it('a move whose old file another process has locked ends with that delete as an orphan', async () => {
    t = await testAgent();
    const src = join(t.pool('p1'), 'a.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', src, '4M');
    const plan = await planFor(t, { kind: 'move', volume: 'p1:a.qcow2', toPool: 'p2', method: 'copy' });
    const fd = openSync(src, 'r');
    expect(libc()!.flock(fd, LOCK.EX | LOCK.NB)).toBe(0);
    try {
      const status = await ended(t, (await submit(t, plan)).body.id);
      expect([status.state, status.report?.outcome]).toEqual(['done', 'done-with-orphans']);
      expect(status.report?.orphans).toEqual([
        expect.objectContaining({ path: src, reason: expect.stringContaining('locked') }),
      ]);
      expect(existsSync(src)).toBe(true);
      expect(existsSync(join(t.pool('p2'), 'a.qcow2'))).toBe(true);
    } finally {
      closeSync(fd);
    }
  });
});
