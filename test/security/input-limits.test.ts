// Attack: oversized strings and arrays in a request or a plan (a 1 MB file name, thousands of disks
// or steps) that every later check would walk. The schemas bound them (src/plan/limits.ts): the
// planner answers E_PLAN_BAD_REQUEST, the agent E_PLAN_BAD_PLAN, before anything is touched.
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_DISKS, MAX_TEXT } from '../../src/plan/limits.js';
import { counterIds } from '../../src/plan/ids.js';
import { planRequest } from '../../src/plan/plan.js';
import { world } from '../plan/fixtures.js';
import { submit, testAgent, type TestAgent } from '../agent/helpers.js';
import { clonePlan, journal, poolFiles } from './helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

const long = 'x'.repeat(MAX_TEXT + 1);
const disk = (i: number) => ({ disk: 'vda', pool: 'p2', name: `c${i}.qcow2`, flags: 8 });

describe('length limits', () => {
  it.each([
    ['a clone name over 4096 characters', { kind: 'clone', volume: 'snap2', toPool: 'p2', name: long }],
    ['a volume id over 4096 characters', { kind: 'move', volume: long, toPool: 'p2' }],
    [
      'a block copy of more disks than the limit',
      { kind: 'block-copy', vm: 'vm1', disks: Array.from({ length: MAX_DISKS + 1 }, (_, i) => disk(i)) },
    ],
    [
      'a snapshot of more disks than the limit',
      { kind: 'snapshot', vm: 'vm1', name: 's', disks: Array.from({ length: MAX_DISKS + 1 }, () => 'vda') },
    ],
  ])('the planner refuses %s (E_PLAN_BAD_REQUEST)', (_n, req) => {
    expect(() => planRequest(req, world({ running: false }), counterIds('t'))).toThrow(
      expect.objectContaining({ code: 'E_PLAN_BAD_REQUEST' }),
    );
  });

  it.each([
    [
      'a path over 4096 characters',
      (p: Awaited<ReturnType<typeof clonePlan>>, t: TestAgent) => {
        (p.steps.find((s) => s.action === 'create-volume')!.params as { volume: { path: string } }).volume.path =
          `${t.pool('p2')}/${long}`;
      },
    ],
    [
      'a label over the prose limit',
      (p: Awaited<ReturnType<typeof clonePlan>>) => {
        p.steps[0]!.label = 'x'.repeat(256 * 1024 + 1);
      },
    ],
    [
      'more steps than the limit',
      (p: Awaited<ReturnType<typeof clonePlan>>) => {
        const last = p.steps[p.steps.length - 1]!;
        for (let i = 0; i < 4097; i++) p.steps.push({ ...last, id: `extra${i}`, after: [] });
      },
    ],
  ])('the agent refuses a plan with %s (400 E_PLAN_BAD_PLAN)', async (_n, edit) => {
    t = await testAgent();
    const plan = structuredClone(await clonePlan(t));
    edit(plan, t);
    const before = poolFiles(t);
    const r = await submit(t, plan);
    expect([r.status, r.body.code]).toEqual([400, 'E_PLAN_BAD_PLAN']);
    expect(journal(t)).toBe('');
    expect(poolFiles(t)).toEqual(before);
  });
});
