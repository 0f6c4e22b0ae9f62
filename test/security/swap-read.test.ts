// Reads open what they checked: a volume file swapped for a symlink to a file outside the roots
// between the agent's check and its open is neither served (`/v1/volumes/:id/data`) nor read by a
// verify step. The swap happens at that moment every run (test hook).
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ended, planFor, qemuImg, qemuIo, submit, testAgent, type TestAgent } from '../agent/helpers.js';
import { armSwap, canary, toSymlink } from './swap.js';

let t: TestAgent;
afterEach(async () => t?.close());

describe('reads open what they checked', () => {
  it('data serving: a volume swapped for a symlink to an outside file is refused, its bytes never sent', async () => {
    t = await testAgent();
    const path = join(t.pool('p1'), 'd.img');
    qemuImg('create', '-q', '-f', 'raw', path, '256K');
    await t.req('GET', '/v1/inventory');
    const c = canary(t);
    const armed = armSwap(t, 'read', (p) => p === path, toSymlink(c.path));
    const res = await t.req('GET', '/v1/volumes/p1:d.img/data');
    const body = Buffer.from(await res.arrayBuffer());
    expect(armed.fired()).toBe(true);
    expect(res.status).toBe(403);
    expect(JSON.parse(body.toString('utf8')).code).toBe('E_AGENT_SYMLINK');
    expect(body.includes(Buffer.from(readFileSync(c.path).subarray(0, 64)))).toBe(false);
    expect(body.toString('utf8')).not.toContain(c.path);
  });

  it('verify-copy: a copy swapped for a symlink to an outside look-alike is refused, not compared', async () => {
    t = await testAgent();
    const src = join(t.pool('p1'), 'src.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', src, '4M');
    qemuIo(src, 'write -P 0x44 0 1M');
    const lookAlike = join(t.dir, 'look-alike.qcow2');
    copyFileSync(src, lookAlike);
    const target = join(t.pool('p2'), 'c.qcow2');
    const armed = armSwap(t, 'read', (p) => p === target, toSymlink(lookAlike));
    const plan = await planFor(t, {
      kind: 'clone',
      volume: 'p1:src.qcow2',
      toPool: 'p2',
      name: 'c.qcow2',
      verify: 'full',
    });
    const status = await ended(t, (await submit(t, plan)).body.id);
    expect(armed.fired()).toBe(true);
    expect(status.error?.code).toBe('E_AGENT_SYMLINK');
    expect(status.state).not.toBe('done');
  });
});
