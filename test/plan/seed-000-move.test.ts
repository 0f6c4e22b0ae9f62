// Seed 000 (oVirt, "Move as copy and delete"): copy, then delete as a separate step; a failed copy
// deletes the partial target; the cleanup delete does not touch the inventory; each part visible.
import { describe, expect, test } from 'vitest';
import { world } from './fixtures.js';
import { actions, phases, plan, sim, stepOf, volumeView } from './helpers.js';
import { worldFromInventory } from '../../src/plan/sim/from-inventory.js';
import { parseInventory } from '../../src/plan/plan.js';

const offline = world({ running: false });
const move = { kind: 'move', volume: 'snap2', toPool: 'p2' };

describe('seed 000: oVirt move as copy and delete', () => {
  test('offline flatten: copy ILLEGAL, flush, verify, mark legal, switch, then delete each old layer', async () => {
    const p = plan(move, offline);
    expect(phases(p)).toEqual([
      'create-volume:prepare',
      'copy-data:prepare',
      'flush-volume:prepare',
      'verify-copy:prepare',
      'inventory-update:prepare',
      'inventory-update:commit',
      'delete-file:cleanup',
      'delete-file:cleanup',
      'delete-file:cleanup',
    ]);
    const create = p.steps[0]!;
    expect(create.action === 'create-volume' && create.params.volume.state).toBe('illegal');
    expect(p.steps.find((s) => s.action === 'verify-copy')?.params).toMatchObject({ mode: 'full', depth: 'flatten' });
    const before = volumeView(worldFromInventory(parseInventory(offline)), 'snap2');
    const r = await sim(p, offline);
    expect(r.report.outcome).toBe('done');
    expect(r.problems).toEqual([]);
    expect(r.world.inv.volumes.find((v) => v.id === 'snap2')).toMatchObject({
      path: '/pool2/snap2.qcow2',
      backing: null,
      state: 'ok',
    });
    expect(volumeView(r.world, 'snap2')).toEqual(before);
    expect([...r.world.files.keys()].filter((f) => f.startsWith('/pool1/snap'))).toEqual([]);
  });

  test('the source delete waits only for the switch, never for another delete (wipe does not hold up the disk)', () => {
    const p = plan({ ...move, wipeSource: true }, offline);
    const commit = p.steps.find((s) => s.phase === 'commit')!;
    for (const s of p.steps.filter((x) => x.action === 'delete-file')) {
      expect(s.after).toEqual([commit.id]);
      expect(s.action === 'delete-file' && s.params.wipe).toBe(true);
    }
  });

  test('a failed copy deletes the partial target and leaves the inventory as it was', async () => {
    const p = plan(move, offline);
    const r = await sim(p, offline, { step: stepOf(p, 'copy-data') });
    expect(r.report.outcome).toBe('rolled-back');
    expect(r.report.failure).toMatchObject({ step: stepOf(p, 'copy-data'), action: 'copy-data' });
    expect(r.world.files.has('/pool2/snap2.qcow2')).toBe(false);
    expect(r.world.inv).toEqual(parseInventory(offline));
    expect(r.problems).toEqual([]);
  });

  test('a failed source delete is reported as an orphan with a retryable cleanup step; the moved disk is usable', async () => {
    const p = plan(move, offline);
    const del = stepOf(p, 'delete-file', 1);
    const r = await sim(p, offline, { step: del });
    expect(r.report.outcome).toBe('done-with-orphans');
    expect(r.report.orphans).toEqual([
      expect.objectContaining({
        path: '/pool1/snap1.qcow2',
        cleanup: expect.objectContaining({ action: 'delete-file' }),
      }),
    ]);
    expect(r.world.inv.volumes.find((v) => v.id === 'snap2')?.path).toBe('/pool2/snap2.qcow2');
    expect(r.world.inv.volumes.some((v) => v.path === '/pool1/snap1.qcow2')).toBe(false); // cleanup never touched it back
    expect(r.problems).toEqual([]);
  });

  test('keep the chain: every layer copied bottom first with relative backing names, no snapshot collapsed', async () => {
    const p = plan({ ...move, shape: 'keep-chain' }, offline);
    const created = p.steps.flatMap((s) =>
      s.action === 'create-volume' ? [[s.params.volume.path, s.params.volume.backingName]] : [],
    );
    expect(created).toEqual([
      ['/pool2/base.qcow2', null],
      ['/pool2/snap1.qcow2', 'base.qcow2'],
      ['/pool2/snap2.qcow2', 'snap1.qcow2'],
    ]);
    expect(
      p.steps
        .filter((s) => s.action === 'copy-data')
        .every((s) => s.action === 'copy-data' && s.params.depth === 'top'),
    ).toBe(true);
    const r = await sim(p, offline);
    expect(r.problems).toEqual([]);
    expect(
      r.world.inv.volumes
        .filter((v) => ['base', 'snap1', 'snap2'].includes(v.id))
        .map((v) => [v.id, v.path, v.backing]),
    ).toEqual([
      ['base', '/pool2/base.qcow2', null],
      ['snap1', '/pool2/snap1.qcow2', 'base'],
      ['snap2', '/pool2/snap2.qcow2', 'snap1'],
    ]);
  });

  test('live move (running VM) flattens through a mirror and pivots before deleting the source', async () => {
    const w = world();
    const p = plan(move, w);
    expect(p.live).toBe(true);
    expect(actions(p)).toEqual([
      'inventory-update',
      'qmp-create-image',
      'qmp-mirror',
      'qmp-wait-ready',
      'verify-copy',
      'qmp-pivot',
      'inventory-update',
      'qmp-job-dismiss',
      'qmp-close-image',
      'qmp-close-image',
      'qmp-close-image',
      'delete-file',
      'delete-file',
      'delete-file',
    ]);
    const r = await sim(p, w);
    expect(r.report.outcome).toBe('done');
    expect(r.problems).toEqual([]);
  });

  test('invalid moves are refused before planning', () => {
    expect(() => plan({ ...move, verify: 'full' }, world())).toThrow(
      expect.objectContaining({ code: 'E_PLAN_VERIFY_FULL_LIVE' }),
    );
    expect(() => plan({ ...move, toPool: 'p1' }, offline)).toThrow(
      expect.objectContaining({ code: 'E_PLAN_SAME_POOL' }),
    );
    expect(() => plan({ ...move, toPool: 'tiny' }, offline)).toThrow(
      expect.objectContaining({ code: 'E_PLAN_POOL_TOO_SMALL' }),
    );
    expect(() => plan({ ...move, volume: 'snap1' }, offline)).toThrow(
      expect.objectContaining({ code: 'E_PLAN_SHARED_BACKING' }),
    );
  });
});
