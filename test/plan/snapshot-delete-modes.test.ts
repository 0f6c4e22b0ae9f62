// Seed 004 for every libvirt mode, live and offline, on a VM with two disks: a fault at any step
// leaves each disk either merged (and recorded so) or untouched, and the retry plan plus re-running
// the same request always ends where a clean run ends. The refusals hold in every mode.
import { describe, expect, test } from 'vitest';
import type { Inventory } from '../../src/plan/inventory.js';
import { chainOf } from '../../src/plan/lookup.js';
import { counterIds } from '../../src/plan/ids.js';
import { planRequest } from '../../src/plan/plan.js';
import { retryPlan } from '../../src/plan/retry-plan.js';
import { simulatePlan } from '../../src/plan/sim/simulate.js';
import type { SimWorld } from '../../src/plan/sim/world.js';
import { twoDisks } from './fixtures.js';
import { plan, refused, sim } from './helpers.js';

const MODES = ['snapshot', 'with-children', 'children-only'] as const;
const CASES = [true, false].flatMap((running) =>
  [
    ['snapshot', 's1'],
    ['snapshot', 's2'],
    ['with-children', 's1'],
    ['children-only', 's1'],
  ].map(([mode, snapshot]) => ({ running, mode: mode!, snapshot: snapshot! })),
);

/** Each disk of each snapshot is merged exactly when its layer has left the disk's chain. */
function recordsMatchChains(inv: Inventory): void {
  for (const s of inv.snapshots) {
    for (const d of s.disks) {
      const disk = inv.vms[0]!.disks.find((x) => x.target === d.target)!;
      const inChain = chainOf(inv, disk.volume).some((v) => v.id === d.layer);
      expect(d.merged, `${s.id}/${d.target}`).toBe(!inChain);
    }
  }
}

/** Finish what a failed run left: its retry plan, then the same request until it has nothing to do. */
async function finish(
  req: object,
  w: SimWorld,
  report: Awaited<ReturnType<typeof sim>>['report'],
  p: ReturnType<typeof plan>,
) {
  if (report.retry.length || report.orphans.length) {
    const r = await simulatePlan(retryPlan(p, report), w.inv, { world: w });
    expect(r.problems).toEqual([]);
  }
  for (let i = 0; i < 3; i++) {
    if (!w.inv.snapshots.some((s) => s.id === (req as { snapshot: string }).snapshot)) return;
    const again = planRequest(req, w.inv, counterIds(`r${i}x`));
    if (!again.steps.length) return;
    const r = await simulatePlan(again, w.inv, { world: w });
    expect(r.problems).toEqual([]);
    expect(r.report.outcome).toBe('done');
  }
}

describe('snapshot delete: every mode, every disk, a fault at every step', () => {
  test.each(CASES)('$mode of $snapshot (running: $running)', async ({ running, mode, snapshot }) => {
    const w = twoDisks(running);
    const req = { kind: 'snapshot-delete', vm: 'vm1', snapshot, mode };
    const p = plan(req, w);
    const clean = await sim(p, w);
    expect(clean.problems).toEqual([]);
    expect(clean.report.outcome).toBe('done');
    expect(Object.keys(clean.report.units).sort()).toEqual(['all', 'vda', 'vdb']); // one result per disk
    let partial = 0;
    for (const step of p.steps) {
      for (const at of [0, 2]) {
        const r = await sim(p, w, { step: step.id, at });
        const where = `fault at ${step.id} (${step.action}) #${at}`;
        expect(r.problems, where).toEqual([]);
        recordsMatchChains(r.world.inv);
        if (r.report.units.vda === 'done' && r.report.units.vdb === 'rolled-back') partial++;
        await finish(req, r.world, r.report, p);
        expect(r.world.inv, where).toEqual(clean.world.inv);
        expect([...r.world.files.keys()].sort(), where).toEqual([...clean.world.files.keys()].sort());
      }
    }
    expect(partial, 'some faults leave vda merged and vdb to retry').toBeGreaterThan(0);
  });

  test.each(MODES)(
    '%s: branching below, a current snapshot that is not the leaf, and non-file layers are refused',
    (mode) => {
      const del = (w: ReturnType<typeof twoDisks>) =>
        plan({ kind: 'snapshot-delete', vm: 'vm1', snapshot: 's1', mode }, w);
      const branching = twoDisks();
      branching.snapshots!.push({ id: 's3', vm: 'vm1', parent: 's1', current: false, disks: [] });
      refused(() => del(branching), 'E_PLAN_NON_LINEAR_CHAIN');
      const deeper = twoDisks();
      deeper.snapshots!.push(
        { id: 's3', vm: 'vm1', parent: 's2', current: false, disks: [] },
        { id: 's4', vm: 'vm1', parent: 's2', current: false, disks: [] },
      );
      refused(() => del(deeper), 'E_PLAN_NON_LINEAR_CHAIN');
      const notLeaf = twoDisks();
      notLeaf.snapshots![0]!.current = true;
      notLeaf.snapshots![1]!.current = false;
      refused(() => del(notLeaf), 'E_PLAN_NOT_CURRENT_LEAF');
      for (const storage of ['block', 'network']) {
        const notFile = twoDisks();
        notFile.volumes!.find((v) => v.id === 'snap1')!.storage = storage as 'block';
        refused(() => del(notFile), 'E_PLAN_LAYER_NOT_FILE');
      }
    },
  );

  test('a child snapshot that covers a disk its parent does not is refused rather than half deleted', () => {
    const w = twoDisks();
    w.snapshots![0]!.disks = w.snapshots![0]!.disks.filter((d) => d.target === 'vda');
    refused(
      () => plan({ kind: 'snapshot-delete', vm: 'vm1', snapshot: 's1', mode: 'with-children' }, w),
      'E_PLAN_CHAIN_MISMATCH',
    );
  });
});
