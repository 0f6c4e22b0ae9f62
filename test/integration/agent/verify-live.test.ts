// Failures rehearsed on real QEMU. A live move whose target is corrupted after the mirror is READY and
// before the verify: live verify checks the mirror's state and header facts (the guest changes the
// allocation maps under any deeper check; guest data is not compared live), so the corruption is one it checks — the target's
// virtual size in its qcow2 header — and the job fails E_AGENT_VERIFY_MISMATCH, rolls back (mirror
// cancelled, copy closed and deleted), and leaves the source byte for byte as it was, the VM on it and
// the inventory unchanged. Then each check-target refusal through the agent, on real images a running
// VM's disk is to be copied onto: the job fails before QEMU is asked for anything, the VM untouched.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, openSync, closeSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Inventory } from '../../../src/plan/inventory.js';
import { identical, reference } from './checks.js';
import { qemuImg, qemuIo } from './guest.js';
import { liveAgent, type Live } from './live.js';

let live: Live | undefined;
afterEach(async () => {
  await live?.dispose();
  live = undefined;
}, 20_000);

const digest = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const facts = (inv: Inventory) => ({
  volumes: inv.volumes.map(({ allocated: _, ...v }) => v),
  vms: inv.vms,
  snapshots: inv.snapshots,
});

/** Writes `size` into the qcow2 header's virtual-size field (offset 24, big-endian), as a corruption would. */
function setHeaderSize(path: string, size: number): void {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64BE(BigInt(size));
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, buf, 0, 8, 24);
  } finally {
    closeSync(fd);
  }
}

describe('a live move whose copy is corrupted before its verify', () => {
  it('fails E_AGENT_VERIFY_MISMATCH and rolls back: source byte for byte, VM on it, inventory unchanged', {
    timeout: 90_000,
  }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['disk'], topDataMiB: 4 }]);
    await live.guestWrite(0x5d, 7 << 20, 1 << 20);
    // QEMU keeps qcow2 metadata in its caches: flushed, the file is what the guest wrote.
    const hmp = `qemu-io -d /machine/peripheral/vda/virtio-backend "flush"`;
    expect(
      await (await live.agent.ctx.vms.session('vm1')).execute<string>('human-monitor-command', { 'command-line': hmp }),
    ).toBe('');
    const src = live.path('disk');
    const ref = join(live.dir, 'ref.qcow2');
    reference(src, ref);
    const before = { bytes: digest(src), inv: facts(await live.inventory()), graph: await live.graph() };
    const target = live.path('disk', 2);
    let corrupted = false;
    live.agent.ctx.stepHooks = {
      afterCall(call) {
        if (call.action !== 'qmp-wait-ready') return;
        setHeaderSize(target, 16 << 20); // the mirror is READY; QEMU keeps its own copy of the header
        corrupted = true;
      },
    };
    const r = await live.run({ kind: 'move', volume: 'p1:disk.qcow2', toPool: 'p2' });
    expect(corrupted).toBe(true);
    expect([r.status.state, r.status.error?.code]).toEqual(['rolled-back', 'E_AGENT_VERIFY_MISMATCH']);
    expect(r.plan.steps.find((s) => s.action === 'verify-copy')?.params).toMatchObject({ mode: 'metadata' });
    expect(existsSync(target)).toBe(false);
    expect(await live.graph()).toEqual(before.graph);
    expect(facts(await live.inventory())).toEqual(before.inv);
    await live.quit();
    expect(digest(src)).toBe(before.bytes);
    expect(identical(src, ref)).toBe(true);
  });
});

describe('a live move whose mirror leaves READY before its verify', () => {
  it("fails E_AGENT_VERIFY_MISMATCH naming the mirror's state, and rolls back", { timeout: 90_000 }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['disk'], topDataMiB: 2 }]);
    const l = live;
    const before = { inv: facts(await l.inventory()), graph: await l.graph() };
    l.agent.ctx.stepHooks = {
      async afterCall(call) {
        if (call.action !== 'qmp-wait-ready') return;
        await (await l.agent.ctx.vms.session('vm1')).execute('job-pause', { id: (call.params as { job: string }).job });
      },
    };
    const r = await l.run({ kind: 'move', volume: 'p1:disk.qcow2', toPool: 'p2' });
    expect([r.status.state, r.status.error?.code, r.status.error?.message]).toEqual([
      'rolled-back',
      'E_AGENT_VERIFY_MISMATCH',
      expect.stringMatching(/mirror job \S+ is standby/),
    ]);
    expect(existsSync(l.path('disk', 2))).toBe(false);
    expect(await l.graph()).toEqual(before.graph);
    expect(facts(await l.inventory())).toEqual(before.inv);
  });
});

describe('a live keep-chain move whose copied backing layer is corrupted before its verify', () => {
  it('is caught by the offline allocation check (QEMU holds that layer read-only) and rolled back', {
    timeout: 90_000,
  }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['base', 'top'] }]);
    const l = live;
    const before = { inv: facts(await l.inventory()), graph: await l.graph() };
    const lower = l.path('base', 2);
    let corrupted = false;
    l.agent.ctx.stepHooks = {
      afterCall(call) {
        if (call.action !== 'flush-volume' || (call.params as { path: string }).path !== lower) return;
        qemuIo(lower, 'discard 0 64k'); // base holds 0xa0 there: the copy now lacks it
        corrupted = true;
      },
    };
    const r = await l.run({ kind: 'move', volume: 'p1:top.qcow2', toPool: 'p2', shape: 'keep-chain' });
    expect(corrupted).toBe(true);
    expect([r.status.state, r.status.error?.code, r.status.error?.message]).toEqual([
      'rolled-back',
      'E_AGENT_VERIFY_MISMATCH',
      expect.stringContaining('offset 0'),
    ]);
    expect(existsSync(lower)).toBe(false);
    expect(await l.graph()).toEqual(before.graph);
    expect(facts(await l.inventory())).toEqual(before.inv);
  });
});

describe('check-target refusals through the agent, on real images', () => {
  it('stray data, another backing, a non-empty full target, a target shrunk below the source', {
    timeout: 120_000,
  }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['base', 'top'] }]);
    const l = live;
    const graph = await l.graph();
    const copy = (target: string, flags: number) =>
      l.run({ kind: 'block-copy', vm: 'vm1', disks: [{ disk: 'vda', path: target, format: 'qcow2', flags }] });
    const refused = async (target: string, flags: number, code: string, change?: () => void) => {
      l.agent.ctx.stepHooks = change
        ? {
            beforeCall: (c) => {
              if (c.action === 'check-target') change();
            },
          }
        : undefined;
      const before = digest(target);
      const r = await copy(target, flags);
      expect([r.status.state, r.status.error?.code], r.status.error?.message).toEqual([
        expect.stringMatching(/^(failed|rolled-back)$/),
        code,
      ]);
      expect(
        r.status.report?.completed.every((id) => !r.plan.steps.find((s) => s.id === id)?.action.startsWith('qmp-')),
      ).toBe(true);
      expect(await l.graph()).toEqual(graph);
      expect(existsSync(target)).toBe(true); // the caller's file: never deleted by the rollback
      if (!change) expect(digest(target)).toBe(before);
    };
    const SHALLOW_REUSE = 8 | 1 | 2;
    const REUSE = 8 | 2;

    const stray = l.path('stray');
    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', stray, '32M');
    qemuIo(stray, 'write -P 0x77 4k 4k'); // base reads 0xa0 there
    await refused(stray, SHALLOW_REUSE, 'E_PLAN_TARGET_STRAY_DATA');

    const twin = l.path('twin');
    copyFileSync(l.path('base'), twin); // the same bytes, another file
    const onTwin = l.path('on-twin');
    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', onTwin, '32M');
    await refused(onTwin, SHALLOW_REUSE, 'E_PLAN_TARGET_WRONG_BACKING', () =>
      qemuImg('rebase', '-q', '-u', '-f', 'qcow2', '-b', 'twin.qcow2', '-F', 'qcow2', onTwin),
    );

    const dirty = l.path('dirty', 2);
    qemuImg('create', '-q', '-f', 'qcow2', dirty, '32M');
    qemuIo(dirty, 'write -P 0x01 3M 512');
    await refused(dirty, REUSE, 'E_PLAN_TARGET_NOT_EMPTY');

    const shrunk = l.path('shrunk', 2);
    qemuImg('create', '-q', '-f', 'qcow2', shrunk, '32M');
    await refused(shrunk, REUSE, 'E_PLAN_REUSE_TARGET_MISMATCH', () =>
      qemuImg('resize', '-q', '--shrink', '-f', 'qcow2', shrunk, '16M'),
    );
  });
});
