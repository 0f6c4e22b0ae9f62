// Seed 002 (libvirt volume clone, virStorageVolCreateXMLFrom): across pools, changing format, larger
// but never smaller, raw kept sparse, flattened or shallow on the same backing; own name/owner/mode.
import { describe, expect, test } from 'vitest';
import { world } from './fixtures.js';
import { actions, plan, refused, sim, stepOf, volumeView } from './helpers.js';

const w = world({ running: false });
// base and snap1 were never written: the chain reads as zeros wherever snap2 has no data.
for (const v of w.volumes!) if (v.id === 'base' || v.id === 'snap1') v.allocated = 0;
const GiB = 1024 ** 3;

describe('seed 002: libvirt storage volume clone', () => {
  test('cross-pool clone of a qcow2 chain into a larger raw volume with its own name, owner and mode', async () => {
    const p = plan(
      {
        kind: 'clone',
        volume: 'snap2',
        toPool: 'p2',
        name: 'vm2.img',
        format: 'raw',
        capacity: 20 * GiB,
        owner: 'qemu',
        mode: '0640',
      },
      w,
    );
    expect(actions(p)).toEqual(['create-volume', 'copy-data', 'flush-volume', 'verify-copy', 'inventory-update']);
    const r = await sim(p, w);
    expect(r.problems).toEqual([]);
    const clone = r.world.inv.volumes.find((v) => v.path === '/pool2/vm2.img')!;
    expect(clone).toMatchObject({
      format: 'raw',
      virtualSize: 20 * GiB,
      owner: 'qemu',
      mode: '0640',
      backing: null,
      state: 'ok',
    });
    expect(volumeView(r.world, clone.id)).toEqual(volumeView(r.world, 'snap2'));
    // Sparse: only the positions the chain has data for are written (holes stay holes).
    const blocks = r.world.files.get('/pool2/vm2.img')!.blocks;
    const data = volumeView(r.world, 'snap2')!.flatMap((b, i) => (b === '0' ? [] : [String(i)]));
    expect(Object.keys(blocks)).toEqual(data);
    expect(data.length).toBeLessThan(4); // this chain has a hole, so a dense copy would fail the line above
  });

  test('shallow clone: only the top is copied, onto the same backing, named relatively across pools', async () => {
    const p = plan({ kind: 'clone', volume: 'snap2', toPool: 'p2', name: 'thin.qcow2', shape: 'shallow' }, w);
    const create = p.steps[0]!;
    expect(
      create.action === 'create-volume' && [create.params.volume.backing, create.params.volume.backingName],
    ).toEqual(['snap1', '../pool1/snap1.qcow2']);
    expect(p.steps.find((s) => s.action === 'copy-data')!.params).toMatchObject({ depth: 'top' });
    const r = await sim(p, w);
    expect(r.problems).toEqual([]);
    const clone = r.world.inv.volumes.find((v) => v.path === '/pool2/thin.qcow2')!;
    expect(volumeView(r.world, clone.id)).toEqual(volumeView(r.world, 'snap2'));
  });

  test('a failed clone removes its partial target and record', async () => {
    const p = plan({ kind: 'clone', volume: 'data', toPool: 'p2', name: 'd2.img' }, w);
    const r = await sim(p, w, { step: stepOf(p, 'verify-copy') });
    expect(r.report.outcome).toBe('rolled-back');
    expect(r.world.files.has('/pool2/d2.img')).toBe(false);
    expect(r.world.inv.volumes.some((v) => v.path === '/pool2/d2.img')).toBe(false);
  });

  test('smaller clones, raw shallow clones, taken names and written volumes are refused', () => {
    refused(
      () => plan({ kind: 'clone', volume: 'snap2', toPool: 'p2', name: 'x', capacity: GiB }, w),
      'E_PLAN_CLONE_SMALLER',
    );
    refused(
      () => plan({ kind: 'clone', volume: 'snap2', toPool: 'p2', name: 'x', shape: 'shallow', format: 'raw' }, w),
      'E_PLAN_RAW_CANNOT_BACK',
    );
    refused(() => plan({ kind: 'clone', volume: 'snap2', toPool: 'p1', name: 'base.qcow2' }, w), 'E_PLAN_NAME_TAKEN');
    refused(() => plan({ kind: 'clone', volume: 'snap2', toPool: 'p2', name: 'x' }, world()), 'E_PLAN_VOLUME_IN_USE');
  });
});
