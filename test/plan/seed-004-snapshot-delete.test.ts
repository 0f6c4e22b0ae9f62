// Seed 004 (libvirt external snapshot delete): commit the snapshot's layer into its parent, with or
// without its children, or only its children; pivot when the commit is active; only for a linear
// chain whose leaf is current, and only for file layers. One result per disk; retries do the rest.
import { describe, expect, test } from 'vitest';
import { twoDisks } from './fixtures.js';
import { actions, diskView, plan, refused, sim, stepOf } from './helpers.js';
import { worldFromInventory } from '../../src/plan/sim/from-inventory.js';
import { parseInventory } from '../../src/plan/plan.js';

const del = (snapshot: string, mode = 'snapshot') => ({ kind: 'snapshot-delete', vm: 'vm1', snapshot, mode });

describe('seed 004: libvirt external snapshot delete', () => {
  test('delete a snapshot below the current one: intermediate commit per disk, finishing by itself', async () => {
    const w = twoDisks();
    const before = worldFromInventory(parseInventory(w));
    const p = plan(del('s1'), w);
    const perDisk = [
      'qmp-commit',
      'qmp-job-finish',
      'inventory-update',
      'qmp-job-dismiss',
      'qmp-close-image',
      'delete-file',
    ];
    expect(actions(p)).toEqual([...perDisk, ...perDisk, 'inventory-update']);
    const r = await sim(p, w);
    expect(r.problems).toEqual([]);
    const commit = r.qmp.find((c) => c.execute === 'block-commit')!;
    expect(commit.arguments).toMatchObject({
      'top-node': 'n-snap1',
      'base-node': 'n-base',
      'backing-file': 'base.qcow2',
    });
    expect(r.world.inv.snapshots.map((s) => [s.id, s.parent, s.current])).toEqual([['s2', null, true]]);
    expect(r.world.inv.volumes.find((v) => v.id === 'snap2')!.backing).toBe('base');
    expect(diskView(r.world, 'vm1', 'vda')).toEqual(diskView(before, 'vm1', 'vda'));
    expect(diskView(r.world, 'vm1', 'vdb')).toEqual(diskView(before, 'vm1', 'vdb'));
  });

  test('delete the current snapshot: active commit, ready, pivot to the parent layer', async () => {
    const w = twoDisks();
    const p = plan(del('s2'), w);
    expect(actions(p).slice(0, 4)).toEqual(['qmp-commit', 'qmp-wait-ready', 'qmp-pivot', 'inventory-update']);
    const r = await sim(p, w);
    expect(r.problems).toEqual([]);
    expect(r.world.inv.vms[0]!.disks.map((d) => d.volume)).toEqual(['snap1', 'b-top']);
    expect(r.world.inv.snapshots.map((s) => [s.id, s.current])).toEqual([['s1', true]]);
  });

  test('delete with children: one active commit of every layer down to the parent; both snapshots go', async () => {
    const w = twoDisks();
    const r = await sim(plan(del('s1', 'with-children'), w), w);
    expect(r.problems).toEqual([]);
    expect(r.world.inv.vms[0]!.disks.map((d) => d.volume)).toEqual(['base', 'b-base']);
    expect(r.world.inv.snapshots).toEqual([]);
  });

  test('delete only the children (offline): commit into the snapshot layer, which becomes current', async () => {
    const w = twoDisks(false);
    const p = plan(del('s1', 'children-only'), w);
    expect(actions(p)).toEqual([
      'commit-offline',
      'inventory-update',
      'delete-file',
      'commit-offline',
      'inventory-update',
      'delete-file',
      'inventory-update',
    ]);
    const r = await sim(p, w);
    expect(r.problems).toEqual([]);
    expect(r.world.inv.vms[0]!.disks.map((d) => d.volume)).toEqual(['snap1', 'b-top']);
    expect(r.world.inv.snapshots.map((s) => [s.id, s.current])).toEqual([['s1', true]]);
  });

  test('one disk failing leaves the merged disk merged, records which, and the same request finishes the rest', async () => {
    const w = twoDisks();
    const p = plan(del('s1'), w);
    const r = await sim(p, w, { step: stepOf(p, 'qmp-commit', 1) });
    expect(r.report.outcome).toBe('partial');
    expect(r.report.units).toMatchObject({ vda: 'done', vdb: 'rolled-back', all: 'not-started' });
    expect(r.problems).toEqual([]);
    const s1 = r.world.inv.snapshots.find((s) => s.id === 's1')!;
    expect(s1.disks.map((d) => [d.target, d.merged])).toEqual([
      ['vda', true],
      ['vdb', false],
    ]);
    expect(p.retry).toMatch(/re-run the same request/);
    const again = plan(del('s1'), r.world.inv);
    expect(again.steps.every((s) => s.unit === 'vdb' || s.unit === 'all')).toBe(true);
    const r2 = await sim(again, r.world.inv, undefined);
    expect(r2.report.outcome).toBe('done');
    expect(r2.world.inv.snapshots.map((s) => s.id)).toEqual(['s2']);
  });

  test('branching trees, a current snapshot that is not the leaf, and non-file layers are refused', () => {
    const branching = twoDisks();
    branching.snapshots!.push({ id: 's3', vm: 'vm1', parent: 's1', current: false, disks: [] });
    refused(() => plan(del('s1'), branching), 'E_PLAN_NON_LINEAR_CHAIN');
    const notLeaf = twoDisks();
    notLeaf.snapshots![0]!.current = true;
    notLeaf.snapshots![1]!.current = false;
    refused(() => plan(del('s1'), notLeaf), 'E_PLAN_NOT_CURRENT_LEAF');
    const network = twoDisks();
    network.volumes!.find((v) => v.id === 'snap1')!.storage = 'network';
    refused(() => plan(del('s1'), network), 'E_PLAN_LAYER_NOT_FILE');
    refused(() => plan(del('nope'), twoDisks()), 'E_PLAN_UNKNOWN_SNAPSHOT');
  });
});
