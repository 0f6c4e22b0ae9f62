// A trusted inventory (checked once, frozen, indexed for good) plans exactly as the same inventory
// parsed on every call; an untrusted one is indexed only while one plan is made, so a caller that
// changes its inventory between plans is never answered from a stale index.
import { describe, expect, it } from 'vitest';
import { counterIds } from '../../src/plan/ids.js';
import { parseInventory, planRequest } from '../../src/plan/plan.js';
import { isTrusted, trustInventory } from '../../src/plan/trusted-inventory.js';
import { twoDisks, vol, world } from './fixtures.js';

const requests = [
  { kind: 'move', volume: 'snap2', toPool: 'p2' },
  { kind: 'move', volume: 'data', toPool: 'p2' },
  { kind: 'clone', volume: 'snap2', toPool: 'p2', name: 'c.qcow2' },
  { kind: 'clone', volume: 'base', toPool: 'p1', name: 'base.qcow2' }, // name taken: refused
  { kind: 'snapshot-delete', vm: 'vm1', snapshot: 's1' },
  { kind: 'move', volume: 'nope', toPool: 'p2' },
];

const outcome = (req: unknown, inv: unknown) => {
  try {
    return planRequest(req, inv, counterIds('t'));
  } catch (e) {
    return { code: (e as { code?: string }).code };
  }
};

describe('trusted inventories', () => {
  it('plan exactly as the parsed inventory does, refusals included', () => {
    for (const w of [world(), world({ running: false }), twoDisks(), twoDisks(false)]) {
      const trusted = trustInventory(parseInventory(w));
      expect(isTrusted(trusted)).toBe(true);
      for (const req of requests) expect(outcome(req, trusted)).toEqual(outcome(req, w));
    }
  });

  it('are frozen: no caller can change one after it was checked', () => {
    const trusted = trustInventory(parseInventory(world()));
    expect(() => {
      (trusted.volumes[0] as { path: string }).path = '/etc/shadow';
    }).toThrow(TypeError);
    expect(() => {
      trusted.volumes.push(trusted.volumes[0]!);
    }).toThrow(TypeError);
    expect(isTrusted(parseInventory(world()))).toBe(false);
    expect(isTrusted(JSON.parse(JSON.stringify(trusted)))).toBe(false); // a copy is not the checked object
  });

  it('an untrusted inventory changed between two plans is planned as it is now', () => {
    const w = parseInventory(world({ running: false }));
    expect(outcome({ kind: 'clone', volume: 'data', toPool: 'p2', name: 'x.img' }, w)).toMatchObject({ kind: 'clone' });
    w.volumes.push(vol('x', 'p2', 'x.img', { format: 'raw' }) as (typeof w.volumes)[number]);
    expect(outcome({ kind: 'clone', volume: 'data', toPool: 'p2', name: 'x.img' }, w)).toEqual({
      code: 'E_PLAN_NAME_TAKEN',
    });
    w.volumes = w.volumes.filter((v) => v.id !== 'data');
    expect(outcome({ kind: 'move', volume: 'data', toPool: 'p2' }, w)).toEqual({ code: 'E_PLAN_UNKNOWN_VOLUME' });
  });
});
