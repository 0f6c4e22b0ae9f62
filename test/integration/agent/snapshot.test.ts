// Live snapshots through the agent (seeds 003, 004): an atomic snapshot of two disks and its
// deletion (two active commits with pivot), the same snapshot failing on one disk (no overlay left),
// and deleting an older snapshot (intermediate commit). Graph, images and simulator checked.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backingName, clean, identical, reference } from './checks.js';
import { qemuImg } from './guest.js';
import { liveAgent, type Live } from './live.js';

let live: Live | undefined;
afterEach(async () => {
  await live?.dispose();
  live = undefined;
}, 20_000);

const ORIGINAL = ['f-a', 'f-b', 'n-a', 'n-b'];

describe('live snapshots through the agent', () => {
  it('atomic snapshot of two disks, then its deletion: active commits with pivot on both', {
    timeout: 90_000,
  }, async () => {
    live = await liveAgent(
      [
        { id: 'vda', layers: ['a'] },
        { id: 'vdb', layers: ['b'] },
      ],
      { record: 'snapshot-two-disks-delete' },
    );
    const refA = join(live.dir, 'ref-a.qcow2');
    const refB = join(live.dir, 'ref-b.qcow2');
    reference(live.path('a'), refA);
    reference(live.path('b'), refB);
    const snap = await live.run({ kind: 'snapshot', vm: 'vm1', name: 's1' }, { prefix: 's' });
    expect(snap.status.error).toBeUndefined();
    expect(snap.status.state).toBe('done');
    expect(snap.sim.problems).toEqual([]);
    expect(snap.real).toEqual(snap.simulated);
    expect(snap.real.filter((c) => c.execute === 'transaction')).toHaveLength(1);
    const g = await live.graph();
    expect(g.devices.vda).not.toBe('n-a');
    expect(g.devices.vdb).not.toBe('n-b');
    expect(backingName(live.path('a.s1'))).toBe('a.qcow2');
    expect(backingName(live.path('b.s1'))).toBe('b.qcow2');
    const inv = await live.inventory();
    expect(inv.snapshots).toEqual([expect.objectContaining({ id: 's1', vm: 'vm1', current: true })]);

    const del = await live.run({ kind: 'snapshot-delete', vm: 'vm1', snapshot: 's1' }, { prefix: 'd' });
    expect(del.status.error).toBeUndefined();
    expect(del.status.state).toBe('done');
    expect(del.sim.problems).toEqual([]);
    expect(del.real).toEqual(del.simulated);
    expect(del.real.filter((c) => c.execute === 'block-commit')).toHaveLength(2);
    expect(await live.graph()).toEqual({ devices: { vda: 'n-a', vdb: 'n-b' }, nodes: ORIGINAL });
    expect((await live.inventory()).snapshots).toEqual([]);
    expect(readdirSync(live.pool1).sort()).toEqual(['a.qcow2', 'b.qcow2']);
    await live.quit();
    expect(identical(refA, live.path('a'))).toBe(true);
    expect(identical(refB, live.path('b'))).toBe(true);
    expect(clean(live.path('a'))).toBe(true);
    expect(clean(live.path('b'))).toBe(true);
  });

  it('atomic snapshot where one disk fails: neither disk moves, no overlay is left', { timeout: 60_000 }, async () => {
    live = await liveAgent([
      { id: 'vda', layers: ['a'] },
      { id: 'vdb', layers: ['b'] },
    ]);
    // Another user of vdb's node (e.g. a backup overlay) makes QEMU refuse blockdev-snapshot on it.
    const other = join(live.dir, 'other.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', other, '32M');
    const qmp = await live.agent.ctx.vms.session('vm1');
    await qmp.execute('blockdev-add', {
      driver: 'qcow2',
      'node-name': 'x-user',
      'read-only': true,
      file: { driver: 'file', filename: other, 'read-only': true },
      backing: 'n-b',
    });
    const r = await live.run(
      { kind: 'snapshot', vm: 'vm1', name: 's1' },
      {
        prefix: 's',
        simFault: (plan) => plan.steps.find((s) => s.action === 'qmp-snapshot-group')!.id,
      },
    );
    expect(r.status.state).toBe('rolled-back');
    expect(r.status.error?.code).toBe('E_QMP_COMMAND');
    expect(r.status.report?.orphans).toEqual([]);
    expect(r.sim.problems).toEqual([]);
    expect(r.real).toEqual(r.simulated);
    expect(await live.graph()).toEqual({ devices: { vda: 'n-a', vdb: 'n-b' }, nodes: [...ORIGINAL, 'x-user'].sort() });
    expect(readdirSync(live.pool1).sort()).toEqual(['a.qcow2', 'b.qcow2']);
    const inv = await live.inventory();
    expect(inv.snapshots).toEqual([]);
    expect(inv.volumes.map((v) => v.path).sort()).toEqual([live.path('a'), live.path('b')]);
    await qmp.execute('blockdev-del', { 'node-name': 'x-user' });
    await live.quit();
    expect(clean(live.path('a'))).toBe(true);
    expect(clean(live.path('b'))).toBe(true);
  });

  it('deleting an older snapshot: intermediate commit, relative backing name kept', { timeout: 90_000 }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['a'] }], { record: 'snapshot-delete-intermediate' });
    expect((await live.run({ kind: 'snapshot', vm: 'vm1', name: 's1' }, { prefix: 's' })).status.state).toBe('done');
    expect((await live.run({ kind: 'snapshot', vm: 'vm1', name: 's2' }, { prefix: 't' })).status.state).toBe('done');
    const top = live.path('a.s1.s2');
    expect(existsSync(top)).toBe(true);
    const ref = join(live.dir, 'ref.qcow2');
    reference(top, ref);
    const del = await live.run({ kind: 'snapshot-delete', vm: 'vm1', snapshot: 's1' }, { prefix: 'd' });
    expect(del.status.error).toBeUndefined();
    expect(del.status.state).toBe('done');
    expect(del.sim.problems).toEqual([]);
    expect(del.real).toEqual(del.simulated);
    const commit = del.real.find((c) => c.execute === 'block-commit')!;
    expect(commit.arguments['backing-file']).toBe('a.qcow2');
    const g = await live.graph();
    const inv = await live.inventory();
    expect(inv.snapshots.map((s) => s.id)).toEqual(['s2']);
    expect(inv.vms[0]!.disks[0]!.nodes.map((n) => n.node)).toEqual([g.devices.vda, 'n-a']);
    expect(existsSync(live.path('a.s1'))).toBe(false);
    await live.quit();
    expect(backingName(top)).toBe('a.qcow2');
    expect(identical(ref, top)).toBe(true);
    expect(clean(top)).toBe(true);
  });
});
