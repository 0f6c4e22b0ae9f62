// The facts digest a plan carries: SHA-256 equal to Node's, the same for the same facts, changed by
// any fact the request reaches (a backing link, a size, a VM's disk), unchanged by drifting figures
// (allocation, free space) and by volumes the request does not reach. Plans carry no allocation in
// their step parameters, so a re-plan after drift compares equal.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { counterIds, idPrefixOf } from '../../src/plan/ids.js';
import { comparablePlanJson } from '../../src/plan/plan-compare.js';
import { factsDigest } from '../../src/plan/facts.js';
import { parseInventory, parseRequest, planRequest } from '../../src/plan/plan.js';
import { sha256Hex } from '../../src/plan/sha256.js';
import { vol, world } from './fixtures.js';

const move = { kind: 'move', volume: 'snap2', toPool: 'p2', shape: 'keep-chain' } as const;
const plan = (w: ReturnType<typeof world>, req: unknown = move) => planRequest(req, w, counterIds('t'));

describe('facts digest', () => {
  it.each(['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'b'.repeat(64), 'é✓'.repeat(300)])(
    'sha256Hex(%#) equals node:crypto',
    (s) => {
      expect(sha256Hex(s)).toBe(createHash('sha256').update(s).digest('hex'));
    },
  );

  it('every planned plan carries it; the same world gives the same digest', () => {
    expect(plan(world()).facts).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(plan(world()).facts).toBe(plan(world()).facts);
  });

  it('allocation and free space drift without changing the digest or the comparable plan', () => {
    const w = world();
    const drifted = world();
    for (const v of drifted.volumes!) v.allocated = (v.allocated ?? 0) + 7 * 4096;
    for (const p of drifted.pools!) p.free -= 4096;
    const [a, b] = [plan(w), plan(drifted)];
    expect(b.facts).toBe(a.facts);
    expect(comparablePlanJson(b)).toBe(comparablePlanJson(a));
    expect(JSON.stringify(b.steps.map((s) => s.params))).toBe(JSON.stringify(a.steps.map((s) => s.params)));
  });

  it.each([
    [
      'a layer of the chain resized',
      (w: ReturnType<typeof world>) => {
        w.volumes!.find((v) => v.id === 'base')!.virtualSize *= 2;
      },
    ],
    [
      'a backing name rewritten',
      (w: ReturnType<typeof world>) => {
        w.volumes!.find((v) => v.id === 'snap1')!.backingName = 'x.qcow2';
      },
    ],
    [
      'the VM stopped',
      (w: ReturnType<typeof world>) => {
        w.vms![0]!.running = false;
      },
    ],
    [
      'a child appeared on the top',
      (w: ReturnType<typeof world>) => {
        w.volumes!.push(vol('kid', 'p2', 'kid.qcow2', { backing: 'snap2' }));
      },
    ],
    [
      'the target pool moved',
      (w: ReturnType<typeof world>) => {
        w.pools!.find((p) => p.id === 'p2')!.root = '/pool9';
      },
    ],
  ])('%s changes the digest', (_name, change) => {
    const w = world();
    expect(planFacts(w)).toBe(plan(world()).facts);
    change(w);
    expect(planFacts(w)).not.toBe(plan(world()).facts);
  });

  it('a volume the request does not reach does not change it', () => {
    const w = world();
    w.volumes!.push(vol('loose', 'p1', 'loose.qcow2'));
    expect(plan(w).facts).toBe(plan(world()).facts);
  });

  it('the id prefix comes back from the plan id, unambiguously; other ids give none', () => {
    for (const prefix of ['g', 'vd', 'gk3x9p7ab', 'gp1', 'a0123456789abcde']) {
      expect(idPrefixOf(planRequest(move, world(), counterIds(prefix)).id)).toBe(prefix);
    }
    for (const id of ['p7', 'G1p2', 'g-1p2', 'gp0', 'gp', 'g/..p3', 'a0123456789abcdefp1'])
      expect(idPrefixOf(id)).toBeUndefined();
  });
});

/** The digest of a world's facts for the move, computed directly (the planner may refuse the changed world). */
function planFacts(w: ReturnType<typeof world>): string {
  return factsDigest(parseRequest(move), parseInventory(w));
}
