// Seed 003, all or nothing, step by step: whatever fails, either every disk moved onto its new
// overlay (and the inventory says so, at once or through the retry plan) or none did and no overlay
// file is left. Also: disks named explicitly, taken names, and the offline variant.
import { describe, expect, test } from 'vitest';
import { parseInventory } from '../../src/plan/plan.js';
import { retryPlan } from '../../src/plan/retry-plan.js';
import { worldFromInventory } from '../../src/plan/sim/from-inventory.js';
import { simulatePlan } from '../../src/plan/sim/simulate.js';
import { world } from './fixtures.js';
import { plan, refused, sim } from './helpers.js';

const req = { kind: 'snapshot', vm: 'vm1', name: 'snap' };

describe('atomic snapshot: all disks or none', () => {
  test.each([true, false])('a fault at any step (running: %s)', async (running) => {
    const w = world({ secondDisk: true, running });
    const before = worldFromInventory(parseInventory(w));
    const p = plan(req, w);
    const clean = await sim(p, w);
    expect(clean.report.outcome).toBe('done');
    for (const step of p.steps) {
      for (const at of [0, 1, 3, 6]) {
        const r = await sim(p, w, { step: step.id, at });
        const where = `fault at ${step.id} (${step.action}) #${at}`;
        expect(r.problems, where).toEqual([]);
        const devices = [...(r.world.qemu.get('vm1')?.devices.values() ?? [])];
        const moved = devices.filter((n) => !['n-snap2', 'n-b-top'].includes(n));
        expect([0, devices.length], where).toContain(moved.length); // never one disk without the other
        if (r.report.outcome === 'rolled-back') {
          expect(r.world.inv, where).toEqual(parseInventory(w));
          expect([...r.world.files.keys()].sort(), where).toEqual([...before.files.keys()].sort());
          continue;
        }
        const again = await simulatePlan(retryPlan(p, r.report), r.world.inv, { world: r.world });
        expect(again.problems, where).toEqual([]);
        expect(r.world.inv, where).toEqual(clean.world.inv);
      }
    }
  });

  test('only the disks named are snapshotted; each disk once; a taken name or unknown disk is refused', async () => {
    const w = world({ secondDisk: true });
    const p = plan({ ...req, disks: ['vdb'] }, w);
    const r = await sim(p, w);
    expect(r.problems).toEqual([]);
    expect(r.world.inv.vms[0]!.disks.map((d) => d.volume)).toEqual(['snap2', expect.not.stringMatching(/^b-top$/)]);
    expect(r.world.inv.snapshots.at(-1)!.disks.map((d) => d.target)).toEqual(['vdb']);
    refused(() => plan({ ...req, disks: ['vda', 'vdz'] }, w), 'E_PLAN_UNKNOWN_DISK');
    const taken = world({ snapshots: true });
    refused(() => plan({ ...req, name: 's1' }, taken), 'E_PLAN_NAME_TAKEN');
  });

  test('the new snapshot is current and hangs below the previous current one', async () => {
    const w = world({ snapshots: true });
    const r = await sim(plan(req, w), w);
    expect(r.world.inv.snapshots.map((s) => [s.id, s.parent, s.current])).toEqual([
      ['s1', null, false],
      ['s2', 's1', false],
      ['snap', 's2', true],
    ]);
  });
});
