// Seed 001's group copy, all or nothing: whatever step fails up to and including the first disk's
// pivot, every mirror is cancelled, every target removed, and no disk pivots. Also both ends of a
// group (pivot or keep the copies) and the REUSE_EXT checks that stop a bad target before any job.
import { describe, expect, test } from 'vitest';
import { parseInventory } from '../../src/plan/plan.js';
import { worldFromInventory } from '../../src/plan/sim/from-inventory.js';
import { viewOfPath } from '../../src/plan/sim/view.js';
import { world } from './fixtures.js';
import { diskView, plan, qmpNames, refused, sim, stepOf } from './helpers.js';

const w = world({ secondDisk: true });
const group = (finish = 'pivot') => ({
  kind: 'block-copy',
  vm: 'vm1',
  finish,
  disks: [
    { disk: 'vda', pool: 'p2', name: 'a.qcow2', flags: 9 },
    { disk: 'vdb', pool: 'p2', name: 'b.qcow2', flags: 8 },
  ],
});
const roots = (r: Awaited<ReturnType<typeof sim>>) => [...r.world.qemu.get('vm1')!.devices.entries()];

describe('group block copy', () => {
  test('a fault at any step up to the first pivot cancels every disk: no pivot, no target, inventory as before', async () => {
    const p = plan(group(), w);
    const before = worldFromInventory(parseInventory(w));
    const firstPivot = p.steps.findIndex((s) => s.action === 'qmp-pivot');
    let runs = 0;
    for (const step of p.steps.slice(0, firstPivot + 1)) {
      for (const at of [0, 1, 2, 3, 4, 5]) {
        const r = await sim(p, w, { step: step.id, at });
        const where = `fault at ${step.id} (${step.action}) #${at}`;
        expect(r.problems, where).toEqual([]);
        expect(r.report.outcome, where).toBe('rolled-back');
        expect(Object.values(r.report.units), where).not.toContain('done');
        expect(roots(r), where).toEqual([...before.qemu.get('vm1')!.devices.entries()]);
        expect(r.world.inv, where).toEqual(parseInventory(w));
        expect([...r.world.files.keys()].sort(), where).toEqual([...before.files.keys()].sort());
        runs++;
      }
    }
    expect(runs).toBeGreaterThan(50);
  });

  test('no pivot is issued before every mirror of the group has reported ready', async () => {
    const r = await sim(plan(group(), w), w);
    expect(r.problems).toEqual([]);
    const names = qmpNames(r);
    expect(names.filter((n) => n === 'job-complete')).toHaveLength(2);
    expect(names.indexOf('job-complete')).toBeGreaterThan(names.lastIndexOf('blockdev-mirror'));
    expect(r.world.inv.vms[0]!.disks.map((d) => d.volume)).not.toContain('snap2');
  });

  test.each(['pivot', 'keep-copy'])(
    'finish %s: each disk ends its job only after every disk of the group is ready',
    (finish) => {
      const p = plan(group(finish), w);
      const waits = p.steps.filter((s) => s.action === 'qmp-wait-ready').map((s) => s.id);
      const ends = p.steps.filter((s) => s.action === 'qmp-pivot' || s.action === 'qmp-release-copy');
      expect(waits).toHaveLength(2);
      expect(ends).toHaveLength(2);
      for (const end of ends) expect(end.after).toEqual(expect.arrayContaining(waits));
    },
  );

  test('keep-copy ends every mirror without pivot: consistent copies, the guest stays on its disks', async () => {
    const r = await sim(plan(group('keep-copy'), w), w);
    expect(r.problems).toEqual([]);
    expect(qmpNames(r)).not.toContain('job-complete');
    expect(r.world.inv.vms[0]!.disks.map((d) => d.volume)).toEqual(['snap2', 'b-top']);
    expect(viewOfPath(r.world, '/pool2/a.qcow2')).toEqual(diskView(r.world, 'vm1', 'vda'));
    expect(viewOfPath(r.world, '/pool2/b.qcow2')).toEqual(diskView(r.world, 'vm1', 'vdb'));
  });
});

describe('REUSE_EXT targets are checked from their metadata before any job', () => {
  const reuse = (path: string, flags: number, format = 'qcow2') => ({
    kind: 'block-copy',
    vm: 'vm1',
    disks: [{ disk: 'vda', path, format, flags }],
  });

  test('a shallow target that names another backing stops at the check, before any QMP command', async () => {
    const bad = world({ preCreated: true });
    const pre = bad.volumes!.find((v) => v.id === 'pre')!;
    Object.assign(pre, { backing: 'base', backingName: '../pool1/base.qcow2' });
    const p = plan(reuse('/pool2/pre.qcow2', 11), bad);
    const r = await sim(p, bad);
    expect(r.report.failure).toMatchObject({ step: stepOf(p, 'check-target'), code: 'E_PLAN_TARGET_WRONG_BACKING' });
    expect(r.qmp).toEqual([]);
    expect(r.problems).toEqual([]);
  });

  test('a full target that names a backing does not read as zeros', async () => {
    const bad = world({ preCreated: true });
    const r = await sim(plan(reuse('/pool2/pre.qcow2', 10), bad), bad);
    expect(r.report.failure?.code).toBe('E_PLAN_TARGET_NOT_EMPTY');
    expect(r.qmp).toEqual([]);
  });

  test('a stated format, size or use that does not fit the known target is refused when planning', () => {
    refused(() => plan(reuse('/pool2/empty.qcow2', 10, 'raw'), world()), 'E_PLAN_REUSE_TARGET_MISMATCH');
    const small = world();
    small.volumes!.find((v) => v.id === 'empty')!.virtualSize = 1024;
    refused(() => plan(reuse('/pool2/empty.qcow2', 10), small), 'E_PLAN_REUSE_TARGET_MISMATCH');
    refused(() => plan(reuse('/pool1/base.qcow2', 10), world()), 'E_PLAN_VOLUME_IN_USE');
    refused(() => plan(reuse('/pool2/nothing.qcow2', 10), world()), 'E_PLAN_UNKNOWN_VOLUME');
  });
});
