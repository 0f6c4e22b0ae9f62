// Wipe and delete open what they checked: `delete-file` with wipe on a file swapped for an in-root
// symlink, or for a hard link, to a file outside the roots never zeroes that file; a hard-linked
// file is not deleted either. The swap happens between the agent's check and its open (test hook).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ended, planFor, qemuImg, qemuIo, submit, testAgent, type TestAgent } from '../agent/helpers.js';
import { armSwap, canary, failedSteps, toHardLink, toSymlink } from './swap.js';

let t: TestAgent;
afterEach(async () => t?.close());

async function move(wipeSource: boolean) {
  const plan = await planFor(t, {
    kind: 'move',
    volume: 'p1:src.qcow2',
    toPool: 'p2',
    verify: 'metadata',
    wipeSource,
    method: 'copy',
  });
  return ended(t, (await submit(t, plan)).body.id);
}

async function source(): Promise<string> {
  t = await testAgent();
  const src = join(t.pool('p1'), 'src.qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', src, '4M');
  qemuIo(src, 'write -P 0x55 0 1M');
  return src;
}

describe('wipe and delete open what they checked', () => {
  it('wipe: the old source swapped for a symlink to an outside file is refused, that file is not zeroed', async () => {
    const src = await source();
    const c = canary(t);
    const armed = armSwap(t, 'wipe', (p) => p === src, toSymlink(c.path));
    const status = await move(true);
    expect(armed.fired()).toBe(true);
    expect(c.unchanged()).toBe(true);
    expect(status.report?.outcome).toBe('done-with-orphans');
    expect(failedSteps(t)).toEqual(['delete-file: E_AGENT_SYMLINK']);
  });

  it('wipe: the old source swapped for a hard link to an outside file is refused (E_AGENT_HARD_LINK)', async () => {
    const src = await source();
    const c = canary(t);
    const armed = armSwap(t, 'wipe', (p) => p === src, toHardLink(c.path));
    const status = await move(true);
    expect(armed.fired()).toBe(true);
    expect(c.unchanged()).toBe(true);
    expect(status.report?.outcome).toBe('done-with-orphans');
    expect(failedSteps(t)).toEqual(['delete-file: E_AGENT_HARD_LINK']);
  });

  it('delete: the old source swapped for a hard link is not unlinked (E_AGENT_HARD_LINK)', async () => {
    const src = await source();
    const c = canary(t);
    const armed = armSwap(t, 'delete', (p) => p === src, toHardLink(c.path));
    const status = await move(false);
    expect(armed.fired()).toBe(true);
    expect(c.unchanged()).toBe(true);
    expect(status.report?.outcome).toBe('done-with-orphans');
    expect(failedSteps(t)).toEqual(['delete-file: E_AGENT_HARD_LINK']);
    expect(existsSync(src)).toBe(true);
  });
});
