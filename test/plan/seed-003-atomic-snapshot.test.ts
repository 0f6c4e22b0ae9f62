// Seed 003 (QEMU, atomic snapshots of several devices): one transaction of blockdev-snapshot actions
// for all disks, all or nothing; overlays created for a failed transaction are removed.
import { describe, expect, test } from 'vitest';
import { parseInventory } from '../../src/plan/plan.js';
import { world } from './fixtures.js';
import { actions, diskView, plan, qmpNames, sim, stepOf } from './helpers.js';
import { worldFromInventory } from '../../src/plan/sim/from-inventory.js';

const w = world({ secondDisk: true });
const req = { kind: 'snapshot', vm: 'vm1', name: 'before-upgrade' };

describe('seed 003: QEMU atomic snapshot of several disks', () => {
  test('overlays are created and opened per disk, then one transaction snapshots all disks', async () => {
    const p = plan(req, w);
    expect(actions(p)).toEqual([
      'inventory-update',
      'qmp-create-image',
      'inventory-update',
      'qmp-create-image',
      'qmp-snapshot-group',
      'inventory-update',
    ]);
    const r = await sim(p, w);
    expect(r.problems).toEqual([]);
    const tx = r.qmp.filter((c) => c.execute === 'transaction');
    expect(tx).toHaveLength(1);
    expect(tx[0]!.arguments.actions).toEqual([
      { type: 'blockdev-snapshot', data: { node: 'n-snap2', overlay: expect.any(String) } },
      { type: 'blockdev-snapshot', data: { node: 'n-b-top', overlay: expect.any(String) } },
    ]);
    const snap = r.world.inv.snapshots.find((s) => s.id === 'before-upgrade')!;
    expect(snap.current).toBe(true);
    expect(r.world.inv.vms[0]!.disks.map((d) => d.volume)).toEqual(snap.disks.map((d) => d.layer));
  });

  test('a failed transaction changes no disk and removes every overlay it created', async () => {
    const before = worldFromInventory(parseInventory(w));
    const p = plan(req, w);
    const r = await sim(p, w, { step: stepOf(p, 'qmp-snapshot-group') });
    expect(r.report.outcome).toBe('rolled-back');
    expect(r.problems).toEqual([]);
    expect(r.world.inv).toEqual(parseInventory(w));
    expect([...r.world.files.keys()].sort()).toEqual([...before.files.keys()].sort());
    expect(qmpNames(r).filter((n) => n === 'blockdev-del')).toHaveLength(4);
    expect(diskView(r.world, 'vm1', 'vda')).toEqual(diskView(before, 'vm1', 'vda'));
  });

  test('offline: overlays as files, then one inventory update switches every disk', async () => {
    const off = world({ secondDisk: true, running: false });
    const p = plan(req, off);
    expect(actions(p)).toEqual(['create-volume', 'create-volume', 'inventory-update']);
    const r = await sim(p, off, { step: stepOf(p, 'inventory-update') });
    expect(r.report.outcome).toBe('rolled-back');
    expect(r.world.inv).toEqual(parseInventory(off));
    expect(r.problems).toEqual([]);
  });
});
