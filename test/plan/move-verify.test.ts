// Move's verify modes (issue 5: "by default a guest-visible compare; none | metadata | full
// selectable"), offline and live, and where the verify sits: after the flush, before the copy is
// marked legal and before the switch, so an unverified copy is never what the inventory points to.
import { describe, expect, test } from 'vitest';
import type { Plan } from '../../src/plan/plan-schema.js';
import { world } from './fixtures.js';
import { plan, refused, sim, stepOf } from './helpers.js';
import { parseInventory } from '../../src/plan/plan.js';

const offline = world({ running: false });
const move = (extra: Record<string, unknown> = {}) => ({ kind: 'move', volume: 'snap2', toPool: 'p2', ...extra });
const verifies = (p: Plan) => p.steps.flatMap((s) => (s.action === 'verify-copy' ? [s.params.mode] : []));
const index = (p: Plan, pred: (s: Plan['steps'][number]) => boolean) => p.steps.findIndex(pred);

describe('move verify modes', () => {
  test.each([
    [undefined, ['full']],
    ['full', ['full']],
    ['metadata', ['metadata']],
    ['none', []],
  ] as const)('offline, verify %s → verify steps %j', async (verify, modes) => {
    const p = plan(move(verify ? { verify } : {}), offline);
    expect(verifies(p)).toEqual(modes);
    expect(p.summary).toContain(`verify ${verify ?? 'full'}`);
    const r = await sim(p, offline);
    expect(r.report.outcome).toBe('done');
    expect(r.problems).toEqual([]);
  });

  test.each([
    [undefined, ['metadata']],
    ['metadata', ['metadata']],
    ['none', []],
  ] as const)('live, verify %s → verify steps %j', async (verify, modes) => {
    const w = world();
    const p = plan(move(verify ? { verify } : {}), w);
    expect(p.live).toBe(true);
    expect(verifies(p)).toEqual(modes);
    expect((await sim(p, w)).problems).toEqual([]);
  });

  test('live, verify full is refused: the guest writes while the copy runs, so no full compare is meaningful', () => {
    refused(() => plan(move({ verify: 'full' }), world()), 'E_PLAN_VERIFY_FULL_LIVE');
  });

  test('the verify comes after the flush and before the copy is marked legal and the inventory switches', () => {
    const p = plan(move(), offline);
    const verify = index(p, (s) => s.action === 'verify-copy');
    expect(index(p, (s) => s.action === 'flush-volume')).toBeLessThan(verify);
    expect(verify).toBeLessThan(index(p, (s) => s.action === 'inventory-update' && s.phase === 'prepare'));
    expect(verify).toBeLessThan(index(p, (s) => s.phase === 'commit'));
    const live = plan(move(), world());
    expect(index(live, (s) => s.action === 'verify-copy')).toBeLessThan(index(live, (s) => s.action === 'qmp-pivot'));
  });

  test('a failed verify removes the copy and leaves the source as the inventory had it', async () => {
    const p = plan(move(), offline);
    const r = await sim(p, offline, { step: stepOf(p, 'verify-copy') });
    expect(r.report.outcome).toBe('rolled-back');
    expect(r.report.failure?.action).toBe('verify-copy');
    expect(r.world.inv).toEqual(parseInventory(offline));
    expect(r.world.files.has('/pool2/snap2.qcow2')).toBe(false);
    expect(r.problems).toEqual([]);
  });

  test('until it is verified the copy is ILLEGAL in the inventory; marked legal only after the verify', async () => {
    const p = plan(move(), offline);
    const upTo = async (action: string) => {
      const cut: Plan = { ...p, steps: p.steps.slice(0, index(p, (s) => s.action === action) + 1) };
      const r = await sim(cut, offline);
      return r.world.inv.volumes.find((v) => v.path === '/pool2/snap2.qcow2')?.state;
    };
    expect(await upTo('verify-copy')).toBe('illegal');
    expect(await upTo('inventory-update')).toBe('ok');
  });

  test.each(['flatten', 'keep-chain'])(
    'live %s: the copy is registered ILLEGAL and set legal only after the verify and the pivot',
    (shape) => {
      const p = plan(move({ shape }), world());
      const ops = p.steps.flatMap((s, i) =>
        s.action === 'inventory-update' ? s.params.ops.map((o) => ({ i, o })) : [],
      );
      const created = p.steps.flatMap((s, i) => (s.action === 'create-volume' ? [{ i, v: s.params.volume }] : []));
      const added = [
        ...ops
          .filter(({ o }) => o.op === 'add-volume')
          .map(({ i, o }) => ({ i, v: (o as { volume: { id: string; state: string } }).volume })),
        ...created,
      ];
      const verify = p.steps.findLastIndex((s) => s.action === 'verify-copy'); // the top's (lower layers are verified offline)
      const step = p.steps[verify]!;
      const top = added.find(({ v }) => step.action === 'verify-copy' && v.id === step.params.target)!;
      expect(top.v.state).toBe('illegal');
      const legal = ops.find(({ o }) => o.op === 'set-state' && o.volume === top.v.id && o.state === 'ok')!;
      expect(legal.i).toBeGreaterThan(verify);
      expect(legal.i).toBeGreaterThan(index(p, (s) => s.action === 'qmp-pivot'));
    },
  );
});
