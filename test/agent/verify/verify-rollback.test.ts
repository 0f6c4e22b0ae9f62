// A copy corrupted between its copy step and its verify (a seam in the step runner writes into the
// new file with qemu-io): the job fails E_AGENT_VERIFY_MISMATCH, rolls back, leaves the source byte
// for byte as it was and the inventory as it was, and no copy behind.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Inventory } from '../../../src/plan/inventory.js';
import { ended, planFor, qemuImg, qemuIo, submit, testAgent, type TestAgent } from '../helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

const digest = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const volumes = async () =>
  ((await (await t.req('GET', '/v1/inventory')).json()) as Inventory).volumes
    .map(({ allocated: _, ...v }) => v)
    .sort((a, b) => a.id.localeCompare(b.id));

const CASES = [
  {
    name: 'offline move, verify metadata',
    request: { kind: 'move', volume: 'p1:disk.qcow2', toPool: 'p2', verify: 'metadata', method: 'copy' },
    copy: 'disk.qcow2',
  },
  {
    name: 'offline move, verify full',
    request: { kind: 'move', volume: 'p1:disk.qcow2', toPool: 'p2', verify: 'full', wipeSource: true },
    copy: 'disk.qcow2',
  },
  {
    name: 'clone, verify full',
    request: { kind: 'clone', volume: 'p1:disk.qcow2', toPool: 'p2', name: 'c.qcow2' },
    copy: 'c.qcow2',
  },
] as const;

describe('a copy corrupted before its verify is caught and rolled back', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      t = await testAgent();
      const src = join(t.pool('p1'), 'disk.qcow2');
      qemuImg('create', '-q', '-f', 'qcow2', src, '16M');
      qemuIo(src, 'write -P 0x3c 0 2M');
      const before = { bytes: digest(src), volumes: await volumes() };
      const target = join(t.pool('p2'), c.copy);
      let corrupted = false;
      t.agent.ctx.stepHooks = {
        afterCall(call) {
          // In metadata mode a discarded range (data the source has, the target lacks) must be found.
          if (call.action === 'flush-volume')
            qemuIo(
              target,
              'verify' in c.request && c.request.verify === 'metadata' ? 'discard 1M 64k' : 'write -P 0x3d 1M 4k',
            );
          corrupted ||= call.action === 'flush-volume';
        },
      };
      const plan = await planFor(t, c.request);
      const status = await ended(t, (await submit(t, plan)).body.id);
      expect(corrupted).toBe(true);
      expect([status.state, status.error?.code]).toEqual(['rolled-back', 'E_AGENT_VERIFY_MISMATCH']);
      expect(digest(src)).toBe(before.bytes);
      expect(existsSync(target)).toBe(false);
      expect(await volumes()).toEqual(before.volumes);
    });
  }
});

describe('a top-only copy is held to the backing files the plan names', () => {
  it('shallow clone rebased onto a byte-identical twin of its backing before its verify: mismatch, rolled back', async () => {
    t = await testAgent({
      adopt: [
        { volume: 'p1:top.qcow2', format: 'qcow2' },
        { volume: 'p1:base.qcow2', format: 'qcow2' },
      ],
    });
    const base = join(t.pool('p1'), 'base.qcow2');
    const top = join(t.pool('p1'), 'top.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', base, '16M');
    qemuIo(base, 'write -P 0x3a 0 1M');
    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', top);
    qemuIo(top, 'write -P 0x3b 1M 1M');
    const before = await volumes();
    const target = join(t.pool('p2'), 'c.qcow2');
    const plan = await planFor(t, {
      kind: 'clone',
      volume: 'p1:top.qcow2',
      toPool: 'p2',
      name: 'c.qcow2',
      shape: 'shallow',
      verify: 'metadata',
    });
    copyFileSync(base, join(t.pool('p2'), 'twin.qcow2')); // made after the plan: not in its facts
    let rebased = false;
    t.agent.ctx.stepHooks = {
      afterCall(call) {
        if (call.action !== 'flush-volume') return;
        qemuImg('rebase', '-q', '-u', '-f', 'qcow2', '-b', 'twin.qcow2', '-F', 'qcow2', target);
        rebased = true;
      },
    };
    const status = await ended(t, (await submit(t, plan)).body.id);
    expect(rebased).toBe(true);
    expect([status.state, status.error?.code, status.error?.message]).toEqual([
      'rolled-back',
      'E_AGENT_VERIFY_MISMATCH',
      expect.stringContaining('backing layer 1 resolves to another file'),
    ]);
    expect(existsSync(target)).toBe(false);
    expect((await volumes()).filter((v) => !v.path.endsWith('twin.qcow2'))).toEqual(before);
  });
});
