// The property tests are only as good as the simulator's checks: broken plans (steps reordered, an
// undo dropped, a wait removed) must each be caught, or a passing property proves nothing.
import { describe, expect, test } from 'vitest';
import type { Plan, Step } from '../../src/plan/plan-schema.js';
import { world } from './fixtures.js';
import { plan, sim, stepOf } from './helpers.js';

/** Moves the step with id `id` to just before the step with id `before`, dropping dependencies. */
function reorder(p: Plan, id: string, before: string): Plan {
  const moved = p.steps.find((s) => s.id === id)!;
  const rest = p.steps.filter((s) => s.id !== id);
  rest.splice(
    rest.findIndex((s) => s.id === before),
    0,
    { ...moved, after: [], phase: 'prepare' } as Step,
  );
  return { ...p, steps: rest.map((s) => ({ ...s, after: s.after.filter((a) => a !== id) })) };
}

describe('the simulator catches broken plans', () => {
  const offline = world({ running: false });
  const move = { kind: 'move', volume: 'snap2', toPool: 'p2' };

  test('deleting the source before the inventory switch loses the guest data', async () => {
    const p = plan(move, offline);
    const r = await sim(reorder(p, stepOf(p, 'delete-file'), stepOf(p, 'copy-data')), offline);
    expect(r.problems.some((x) => x.includes('is not whole'))).toBe(true);
  });

  test('switching the inventory before the copy is made points it at an incomplete image', async () => {
    const p = plan(move, offline);
    const commit = p.steps.find((s) => s.phase === 'commit')!.id;
    const r = await sim(reorder(p, commit, stepOf(p, 'copy-data')), offline);
    expect(r.problems.some((x) => x.includes('is not whole'))).toBe(true);
  });

  test('a compensation that forgets to delete the target leaves an unknown file', async () => {
    const w = world();
    const p = plan(
      { kind: 'block-copy', vm: 'vm1', disks: [{ disk: 'vda', pool: 'p2', name: 'c.qcow2', flags: 8 }] },
      w,
    );
    const broken: Plan = {
      ...p,
      steps: p.steps.map((s) => ({ ...s, undo: s.undo.filter((u) => u.action !== 'delete-file') })),
    };
    const r = await sim(broken, w, { step: stepOf(p, 'qmp-mirror') });
    expect(r.problems).toContain('unknown file /pool2/c.qcow2 left behind');
    expect((await sim(p, w, { step: stepOf(p, 'qmp-mirror') })).problems).toEqual([]);
  });

  test('a pivot with its wait for ready removed is a violation', async () => {
    const w = world();
    const p = plan({ kind: 'move', volume: 'snap2', toPool: 'p2' }, w);
    const wait = stepOf(p, 'qmp-wait-ready');
    const broken: Plan = {
      ...p,
      steps: p.steps.filter((s) => s.id !== wait).map((s) => ({ ...s, after: s.after.filter((a) => a !== wait) })),
    };
    const r = await sim(broken, w);
    expect(r.problems.some((x) => x.includes('pivot before ready'))).toBe(true);
  });

  test('deleting a file QEMU still has open (before the pivot) is caught', async () => {
    const w = world();
    const p = plan(move, w);
    const del = p.steps.filter((s) => s.action === 'delete-file').at(-1)!.id;
    const r = await sim(reorder(p, del, stepOf(p, 'qmp-pivot')), w);
    expect(r.problems).toContain('deleted /pool1/base.qcow2 while QEMU has it open');
  });
});
