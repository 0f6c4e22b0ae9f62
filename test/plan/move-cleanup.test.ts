// Seed 000's second half: the source delete is a separate cleanup step (optionally wiping the data
// first, post-zero) that never holds up the moved disk; when it fails the file is a reported orphan
// with a cleanup step that a retry plan runs; a stuck switch is retried the same way.
import { describe, expect, test } from 'vitest';
import { retryPlan } from '../../src/plan/retry-plan.js';
import { simulatePlan } from '../../src/plan/sim/simulate.js';
import { parseInventory } from '../../src/plan/plan.js';
import { world, vol } from './fixtures.js';
import { plan, refused, sim, stepOf } from './helpers.js';

const offline = world({ running: false });
const move = (extra: Record<string, unknown> = {}) => ({ kind: 'move', volume: 'snap2', toPool: 'p2', ...extra });

describe('move: source delete, wipe, orphans and retries', () => {
  test('wipe (post-zero) is asked of every old layer and only when requested', () => {
    const wipes = (req: unknown, w = offline) =>
      plan(req, w).steps.flatMap((s) => (s.action === 'delete-file' ? [s.params.wipe] : []));
    expect(wipes(move({ wipeSource: true }))).toEqual([true, true, true]);
    expect(wipes(move())).toEqual([false, false, false]);
    expect(wipes(move({ wipeSource: true }), world())).toEqual([true, true, true]);
  });

  test('live: the deletes wait only for the switch and the old nodes being closed, never for each other', () => {
    const p = plan(move({ wipeSource: true }), world());
    const commit = p.steps.find((s) => s.action === 'inventory-update' && s.phase === 'commit')!;
    const closes = p.steps.filter((s) => s.action === 'qmp-close-image').map((s) => s.id);
    for (const s of p.steps.filter((x) => x.action === 'delete-file')) {
      expect(s.phase).toBe('cleanup');
      expect(s.after.sort()).toEqual([commit.id, ...closes].sort());
    }
  });

  test('a failed wiping delete is an orphan; its retry plan wipes and deletes it without touching the inventory', async () => {
    const p = plan(move({ wipeSource: true }), offline);
    const r = await sim(p, offline, { step: stepOf(p, 'delete-file', 0) });
    expect(r.report.outcome).toBe('done-with-orphans');
    expect(r.report.orphans.map((o) => o.path)).toEqual(['/pool1/snap2.qcow2']);
    expect(r.world.files.get('/pool1/snap2.qcow2')!.blocks).toEqual({}); // the wipe got done, the delete did not
    const inv = structuredClone(r.world.inv);
    const retry = retryPlan(p, r.report);
    expect(retry.steps.map((s) => [s.action, s.phase])).toEqual([['delete-file', 'cleanup']]);
    const again = await simulatePlan(retry, r.world.inv, { world: r.world });
    expect(again.report.outcome).toBe('done');
    expect(again.problems).toEqual([]);
    expect(again.world.files.has('/pool1/snap2.qcow2')).toBe(false);
    expect(again.world.inv).toEqual(inv);
  });

  test('a switch that fails after the pivot leaves the unit stuck; the retry plan records it and cleans up', async () => {
    const w = world();
    const p = plan(move(), w);
    const clean = await sim(p, w);
    const switchStep = p.steps.find((s) => s.action === 'inventory-update' && s.phase === 'commit')!;
    const r = await sim(p, w, { step: switchStep.id });
    expect(r.report.outcome).toBe('partial');
    expect(r.report.units.all).toBe('stuck');
    expect(r.report.retry.map((c) => c.action)).toEqual(['inventory-update']);
    const retry = retryPlan(p, r.report);
    expect(retry.steps[0]).toMatchObject({ action: 'inventory-update', phase: 'commit' });
    const again = await simulatePlan(retry, r.world.inv, { world: r.world });
    expect(again.problems).toEqual([]);
    expect(again.report.outcome).toBe('done');
    expect(again.world.inv).toEqual(clean.world.inv);
    expect([...again.world.files.keys()].sort()).toEqual([...clean.world.files.keys()].sort());
  });

  test('keep-chain: two layers with the same file name would collide in the target pool and are refused', () => {
    const w = world({ running: false });
    const v = w.volumes!;
    v.splice(
      0,
      3,
      vol('base', 'p1', 'a/disk.qcow2'),
      vol('snap1', 'p1', 'b/disk.qcow2', { backing: 'base', backingName: '../a/disk.qcow2' }),
      vol('snap2', 'p1', 'snap2.qcow2', { backing: 'snap1', backingName: 'b/disk.qcow2' }),
    );
    refused(() => plan(move({ shape: 'keep-chain' }), w), 'E_PLAN_NAME_TAKEN');
    expect(plan(move(), w).steps.some((s) => s.action === 'copy-data')).toBe(true); // flattened: one file, no clash
  });

  test('keep-chain: layers in subdirectories or named absolutely are copied side by side with relative names', async () => {
    const w = world({ running: false });
    w.volumes!.splice(
      0,
      3,
      vol('base', 'p1', 'img/base.qcow2'),
      vol('snap1', 'p1', 'snap1.qcow2', { backing: 'base', backingName: '/pool1/img/base.qcow2' }),
      vol('snap2', 'p1', 'snap2.qcow2', { backing: 'snap1', backingName: 'snap1.qcow2' }),
    );
    const p = plan(move({ shape: 'keep-chain' }), w);
    const names = p.steps.flatMap((s) =>
      s.action === 'create-volume' ? [[s.params.volume.path, s.params.volume.backingName]] : [],
    );
    expect(names).toEqual([
      ['/pool2/base.qcow2', null],
      ['/pool2/snap1.qcow2', 'base.qcow2'],
      ['/pool2/snap2.qcow2', 'snap1.qcow2'],
    ]);
    const r = await sim(p, w);
    expect(r.problems).toEqual([]);
    expect(r.world.files.get('/pool2/snap1.qcow2')!.backingName).toBe('base.qcow2');
    expect(r.world.inv.volumes.find((x) => x.id === 'snap1')).toMatchObject({
      path: '/pool2/snap1.qcow2',
      backing: 'base',
      backingName: 'base.qcow2',
    });
    expect(parseInventory(w).volumes.length).toBe(r.world.inv.volumes.length);
  });
});
