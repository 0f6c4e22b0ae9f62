// The plan format: every planned kind round-trips through JSON and the schema; the simulator issues
// exactly the QMP commands the shared step → QMP map gives for the steps it ran.
import { describe, expect, test } from 'vitest';
import { parsePlan, planJsonSchema } from '../../src/plan/plan-schema.js';
import { qmpCommands } from '../../src/plan/qmp-map.js';
import { renderPlanText } from '../../src/plan/render-text.js';
import { world } from './fixtures.js';
import { plan, sim } from './helpers.js';

const cases: [string, unknown, ReturnType<typeof world>][] = [
  ['live move keep-chain', { kind: 'move', volume: 'snap2', toPool: 'p2', shape: 'keep-chain' }, world()],
  [
    'offline clone',
    { kind: 'clone', volume: 'snap2', toPool: 'p2', name: 'c.img', format: 'raw' },
    world({ running: false }),
  ],
  [
    'group block copy',
    {
      kind: 'block-copy',
      vm: 'vm1',
      disks: [
        { disk: 'vda', pool: 'p2', name: 'a', flags: 9 },
        { disk: 'vdb', pool: 'p2', name: 'b', flags: 12 },
      ],
    },
    world({ secondDisk: true }),
  ],
  ['atomic snapshot', { kind: 'snapshot', vm: 'vm1', name: 'x' }, world({ secondDisk: true })],
  ['snapshot delete', { kind: 'snapshot-delete', vm: 'vm1', snapshot: 's2' }, world({ snapshots: true })],
];

describe('plan format', () => {
  test.each(cases)('%s round-trips through JSON and the schema', (_name, req, w) => {
    const p = plan(req, w);
    expect(parsePlan(JSON.parse(JSON.stringify(p)))).toEqual(p);
    expect(renderPlanText(p)).toContain(p.steps.at(-1)!.label);
  });

  test.each(cases)('%s renders as text with its conditions, every step, its phase and its undo', (_name, req, w) => {
    const p = plan(req, w);
    const text = renderPlanText(p);
    expect(text).toContain(p.summary);
    expect(text.indexOf('before:')).toBeLessThan(text.indexOf('steps:'));
    expect(text.indexOf('steps:')).toBeLessThan(text.indexOf('after:'));
    for (const s of p.steps) expect(text).toContain(`${s.id.padEnd(4)} [${s.phase}`);
    expect(text.match(/undo: /g)?.length ?? 0).toBe(p.steps.reduce((n, s) => n + s.undo.length, 0));
    expect(text.split('\n').filter((l) => l.startsWith('  - ')).length).toBe(
      p.preconditions.length + p.postconditions.length,
    );
  });

  test('progress: copies weigh their bytes, and a finished run reports 1', async () => {
    const off = world({ running: false });
    const small = plan({ kind: 'clone', volume: 'base', toPool: 'p2', name: 's.qcow2' }, off);
    const big = plan({ kind: 'clone', volume: 'data', toPool: 'p2', name: 'b.img' }, off);
    const weight = (x: typeof small) => x.steps.find((s) => s.action === 'copy-data')!.weight;
    expect(weight(big)).toBe(3 * weight(small)); // 300 MiB against 100 MiB
    const seen: number[] = [];
    const { runPlan } = await import('../../src/plan/execute.js');
    const report = await runPlan(
      big,
      () => {},
      (f) => seen.push(f),
    );
    expect(report.progress).toBe(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  test('a plan with an action outside the closed set is refused', () => {
    const p = plan(cases[0]![1], cases[0]![2]);
    const bad = { ...p, steps: [{ ...p.steps[0], action: 'rm-rf' }] };
    expect(() => parsePlan(bad)).toThrow(expect.objectContaining({ code: 'E_PLAN_BAD_PLAN' }));
  });

  test('the JSON Schema names every action', () => {
    const text = JSON.stringify(planJsonSchema());
    for (const a of ['create-volume', 'qmp-mirror', 'qmp-pivot', 'qmp-snapshot-group', 'inventory-update'])
      expect(text).toContain(`"${a}"`);
  });

  test.each(cases.filter((c) => c[0] !== 'offline clone'))(
    '%s: the simulator issues exactly the mapped QMP commands',
    async (_n, req, w) => {
      const p = plan(req, w);
      const r = await sim(p, w);
      expect(r.report.outcome).toBe('done');
      const mapped = p.steps.flatMap((s) => qmpCommands(s));
      expect(r.qmp.map(({ execute, arguments: a }) => ({ execute, arguments: a }))).toEqual(mapped);
      expect(mapped.length).toBeGreaterThan(0);
    },
  );
});
