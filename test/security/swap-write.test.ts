// A local user who can write in a root swaps the file a write step is about to open for a symlink
// or a hard link to a file outside the roots: the agent refuses, the outside file keeps its bytes
// and its mode. The swap happens between the agent's check and its open (test hook), every run.
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ended, planFor, qemuImg, qemuIo, submit, testAgent, type TestAgent } from '../agent/helpers.js';
import { armSwap, canary, toHardLink, toSymlink } from './swap.js';

let t: TestAgent;
afterEach(async () => t?.close());

async function source(): Promise<string> {
  t = await testAgent();
  const src = join(t.pool('p1'), 'src.qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', src, '4M');
  qemuIo(src, 'write -P 0x33 0 1M');
  return src;
}

/** A canary that is itself a valid empty qcow2 of the target's size: a write would land in it. */
function qcow2Canary(): ReturnType<typeof canary> {
  const img = join(t.dir, 'empty.qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', img, '4M');
  return canary(t, readFileSync(img));
}

async function clone(mode?: string) {
  const plan = await planFor(t, {
    kind: 'clone',
    volume: 'p1:src.qcow2',
    toPool: 'p2',
    name: 'c.qcow2',
    ...(mode ? { mode } : {}),
  });
  return ended(t, (await submit(t, plan)).body.id);
}

describe('write steps open what they checked', () => {
  it('copy-data: the target swapped for a symlink out of the roots is refused (E_AGENT_SYMLINK)', async () => {
    await source();
    const c = qcow2Canary();
    const target = join(t.pool('p2'), 'c.qcow2');
    const armed = armSwap(t, 'write', (p) => p === target, toSymlink(c.path));
    const status = await clone();
    expect(armed.fired()).toBe(true);
    expect(c.unchanged()).toBe(true);
    expect(status.error?.code).toBe('E_AGENT_SYMLINK');
  });

  it('copy-data: the target swapped for a hard link to an outside file is refused (E_AGENT_HARD_LINK)', async () => {
    await source();
    const c = qcow2Canary();
    const target = join(t.pool('p2'), 'c.qcow2');
    const armed = armSwap(t, 'write', (p) => p === target, toHardLink(c.path));
    const status = await clone();
    expect(armed.fired()).toBe(true);
    expect(c.unchanged()).toBe(true);
    expect(status.error?.code).toBe('E_AGENT_HARD_LINK');
  });

  it('create-volume: a symlink planted where the new file is opened is refused; mode and owner never follow it', async () => {
    await source();
    const c = canary(t);
    const armed = armSwap(t, 'create', (p) => p.startsWith(t.pool('p2')), toSymlink(c.path));
    const status = await clone('0640');
    expect(armed.fired()).toBe(true);
    expect(c.unchanged()).toBe(true);
    expect(status.error?.code).toBe('E_AGENT_FILE_CHANGED');
  });

  it('a clone with nothing swapped still runs (the hook fires and leaves the file alone)', async () => {
    const src = await source();
    const target = join(t.pool('p2'), 'c.qcow2');
    let opened = 0;
    t.agent.ctx.files.beforeOpen = (p) => {
      if (p === target) opened++;
    };
    const status = await clone('0640');
    expect(status.error).toBeUndefined();
    expect(opened).toBeGreaterThan(0);
    expect(statSync(target).mode & 0o7777).toBe(0o640); // set on the descriptor before the rename
    copyFileSync(src, join(t.dir, 'ref.qcow2'));
    expect(qemuImg('compare', '-f', 'qcow2', '-F', 'qcow2', join(t.dir, 'ref.qcow2'), target)).toContain('identical');
  });
});
