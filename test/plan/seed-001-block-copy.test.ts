// Seed 001 (libvirt block copy, Eric Blake 2012): copy flags, pivot only once ready, abort without
// pivot, and live migration of a whole chain by pre-creating the copy with a relative backing name.
import { describe, expect, test } from 'vitest';
import { world } from './fixtures.js';
import { actions, diskView, plan, qmpNames, sim, stepOf } from './helpers.js';
import { worldFromInventory } from '../../src/plan/sim/from-inventory.js';
import { parseInventory } from '../../src/plan/plan.js';
import { simulatePlan } from '../../src/plan/sim/simulate.js';
import { viewOfPath } from '../../src/plan/sim/view.js';
import type { Plan } from '../../src/plan/plan-schema.js';

const copy = (flags: number, extra: Record<string, unknown> = {}) => ({
  kind: 'block-copy',
  vm: 'vm1',
  disks: [{ disk: 'vda', pool: 'p2', name: 'copy.qcow2', flags, ...extra }],
});

describe('seed 001: libvirt block copy and pivot', () => {
  test('COPY: blockdev-create the target, mirror sync full, pivot with complete/finalize/dismiss, close the old chain', async () => {
    const w = world();
    const p = plan(copy(8), w);
    const r = await sim(p, w);
    expect(r.report.outcome).toBe('done');
    expect(r.problems).toEqual([]);
    expect(qmpNames(r)).toEqual([
      'blockdev-create',
      'job-dismiss',
      'blockdev-add',
      'blockdev-create',
      'job-dismiss',
      'blockdev-add',
      'blockdev-mirror',
      'job-complete',
      'job-finalize',
      'job-dismiss',
      'blockdev-del',
      'blockdev-del',
      'blockdev-del',
      'blockdev-del',
      'blockdev-del',
      'blockdev-del',
    ]);
    const mirror = r.qmp.find((c) => c.execute === 'blockdev-mirror')!;
    expect(mirror.arguments).toMatchObject({
      sync: 'full',
      device: 'n-snap2',
      'auto-finalize': false,
      'auto-dismiss': false,
    });
    const disk = r.world.inv.vms[0]!.disks[0]!;
    expect(r.world.inv.volumes.find((v) => v.id === disk.volume)).toMatchObject({
      path: '/pool2/copy.qcow2',
      backing: null,
      state: 'ok',
    });
  });

  test('COPY|SHALLOW: the copy is created naming the source backing and opened on the source backing node', async () => {
    const w = world();
    const before = diskView(worldFromInventory(parseInventory(w)), 'vm1', 'vda');
    const p = plan(copy(9), w);
    const r = await sim(p, w);
    expect(r.problems).toEqual([]);
    const create = r.qmp.filter((c) => c.execute === 'blockdev-create')[1]!;
    expect(create.arguments.options).toMatchObject({ 'backing-file': '/pool1/snap1.qcow2', 'backing-fmt': 'qcow2' });
    // QEMU refuses blockdev-snapshot on a node that already backs another ("node is busy"), so the
    // target shares the source's backing node from the start instead.
    const adds = r.qmp.filter((c) => c.execute === 'blockdev-add');
    expect(adds.at(-1)!.arguments).toMatchObject({ driver: 'qcow2', backing: 'n-snap1' });
    expect(qmpNames(r)).not.toContain('transaction');
    expect(r.qmp.find((c) => c.execute === 'blockdev-mirror')!.arguments.sync).toBe('top');
    expect(diskView(r.world, 'vm1', 'vda')).toEqual(before);
    expect(r.world.inv.vms[0]!.disks[0]!.nodes.map((n) => n.node).slice(1)).toEqual(['n-snap1', 'n-base']);
  });

  test('COPY|REUSE_EXT needs the target format stated and checks that the target reads as zeros before the job', async () => {
    const w = world();
    expect(() => plan(copy(10, { pool: undefined, name: undefined, path: '/pool2/empty.qcow2' }), w)).toThrow(
      expect.objectContaining({ code: 'E_PLAN_REUSE_FORMAT_REQUIRED' }),
    );
    const p = plan(copy(10, { pool: undefined, name: undefined, path: '/pool2/empty.qcow2', format: 'qcow2' }), w);
    expect(actions(p).slice(0, 4)).toEqual(['check-target', 'inventory-update', 'qmp-open-image', 'qmp-mirror']);
    const r = await sim(p, w);
    expect(r.report.outcome).toBe('done');
    expect(r.problems).toEqual([]);
    // The same request on a target holding data is stopped by the check, before any QMP command.
    const dirty = world();
    dirty.volumes!.find((v) => v.id === 'empty')!.allocated = 1;
    const r2 = await sim(
      plan(copy(10, { pool: undefined, name: undefined, path: '/pool2/empty.qcow2', format: 'qcow2' }), dirty),
      dirty,
    );
    expect(r2.report.failure?.code).toBe('E_PLAN_TARGET_NOT_EMPTY');
    expect(r2.qmp).toEqual([]);
  });

  test('COPY|REUSE_EXT|SHALLOW: the pre-created target must name the source backing', async () => {
    const w = world({ preCreated: true });
    const p = plan(copy(11, { pool: undefined, name: undefined, path: '/pool2/pre.qcow2', format: 'qcow2' }), w);
    expect(p.steps[0]).toMatchObject({
      action: 'check-target',
      params: { expect: 'backing', backingPath: '/pool1/snap1.qcow2' },
    });
    const r = await sim(p, w);
    expect(r.report.outcome).toBe('done');
    expect(r.problems).toEqual([]);
  });

  test('abort without pivot: the job ends by a soft cancel once ready, the copy is consistent, the guest stays', async () => {
    const w = world();
    const p = plan({ ...copy(8), finish: 'keep-copy' }, w);
    const r = await sim(p, w);
    expect(r.problems).toEqual([]);
    expect(r.qmp.find((c) => c.execute === 'block-job-cancel')!.arguments).toEqual({ device: expect.any(String) });
    expect(r.world.inv.vms[0]!.disks[0]!.volume).toBe('snap2');
    const copyVol = r.world.inv.volumes.find((v) => v.path === '/pool2/copy.qcow2')!;
    expect(copyVol.state).toBe('ok');
    expect(viewOfPath(r.world, '/pool2/copy.qcow2')).toEqual(diskView(r.world, 'vm1', 'vda'));
    expect(viewOfPath(r.world, '/pool2/copy.qcow2')).not.toEqual(['0', '0', '0', '0']);
  });

  test('pivot before ready is refused by the job table and reported by the simulator', async () => {
    const w = world();
    const good = plan(copy(8), w);
    const wait = stepOf(good, 'qmp-wait-ready');
    const bad: Plan = {
      ...good,
      steps: good.steps.filter((s) => s.id !== wait).map((s) => ({ ...s, after: s.after.filter((a) => a !== wait) })),
    };
    const r = await simulatePlan(bad, parseInventory(w));
    expect(r.problems.some((x) => x.includes('pivot before ready'))).toBe(true);
    expect(r.report.failure?.code).toBe('E_PLAN_PIVOT_BEFORE_READY');
    expect(r.world.inv.vms[0]!.disks[0]!.volume).toBe('snap2');
  });

  test('group copy: all mirrors reach ready before any pivot; a failure before pivot cancels all, no disk pivots', async () => {
    const w = world({ secondDisk: true });
    const req = {
      kind: 'block-copy',
      vm: 'vm1',
      disks: [
        { disk: 'vda', pool: 'p2', name: 'a.qcow2', flags: 8 },
        { disk: 'vdb', pool: 'p2', name: 'b.qcow2', flags: 9 },
      ],
    };
    const p = plan(req, w);
    const waits = p.steps.filter((s) => s.action === 'qmp-wait-ready').map((s) => s.id);
    for (const pivot of p.steps.filter((s) => s.action === 'qmp-pivot'))
      for (const id of waits) expect(pivot.after).toContain(id);
    const r = await sim(p, w, { step: stepOf(p, 'qmp-wait-ready', 1) });
    expect(r.report.outcome).toBe('rolled-back');
    expect(r.report.units).toEqual({ vda: 'rolled-back', vdb: 'rolled-back' });
    expect(qmpNames(r)).not.toContain('job-complete');
    expect(r.world.inv).toEqual(parseInventory(w));
    expect(r.problems).toEqual([]);
  });

  test('live storage migration of a whole chain: copy backing layers, pre-create the top with a relative name, SHALLOW|REUSE_EXT mirror', async () => {
    const w = world();
    const p = plan({ kind: 'move', volume: 'snap2', toPool: 'p2', shape: 'keep-chain' }, w);
    const pre = p.steps.find((s) => s.action === 'create-volume' && s.params.volume.path === '/pool2/snap2.qcow2')!;
    expect(pre.action === 'create-volume' && pre.params.volume.backingName).toBe('snap1.qcow2');
    const order = actions(p);
    expect(order.indexOf('check-target')).toBeLessThan(order.indexOf('qmp-mirror'));
    expect(p.steps.find((s) => s.action === 'qmp-mirror')!.params).toMatchObject({ sync: 'top' });
    expect(order.indexOf('qmp-attach-backing')).toBeLessThan(order.indexOf('qmp-pivot'));
    expect(order.lastIndexOf('delete-file')).toBe(order.length - 1);
    const r = await sim(p, w);
    expect(r.report.outcome).toBe('done');
    expect(r.problems).toEqual([]);
    expect(
      r.world.inv.volumes.filter((v) => ['base', 'snap1', 'snap2'].includes(v.id)).every((v) => v.pool === 'p2'),
    ).toBe(true);
  });
});
