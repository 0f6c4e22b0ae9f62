// The plan preview in words, from real plans of the planner on the planner tests' small world: an
// offline move creates the copy, copies the chain's allocation into the target pool, switches the
// volume and deletes each old layer; a move with wipeSource wipes them instead; a live copy and
// pivot switches the running disk.
import { describe, expect, it } from 'vitest';
import { world } from '../../plan/fixtures.js';
import { plan } from '../../plan/helpers.js';
import { parseInventory } from '../../../src/plan/plan.js';
import { planWords } from '../../../web/gateway/plan-words.js';

const MiB = 1024 * 1024;

describe('planWords', () => {
  it('offline move: created, copied bytes per pool, switched, deleted, steps with their undo', () => {
    const inv = world({ running: false });
    const w = planWords(plan({ kind: 'move', volume: 'snap2', toPool: 'p2' }, inv), parseInventory(inv));
    expect(w.created).toEqual([{ name: 'p2:snap2.qcow2', bytes: 10 * 1024 * MiB }]);
    expect(w.copyBytes).toBe(300 * MiB); // the three layers of the chain, flattened: 100 MiB each
    expect(w.space).toEqual({ p2: 300 * MiB });
    expect(w.switched).toEqual(['p1:snap2.qcow2 now names the copy']);
    expect(w.deleted.map((d) => d.name)).toEqual(['p1:snap2.qcow2', 'p1:snap1.qcow2', 'p1:base.qcow2']);
    expect(w.deleted.every((d) => d.bytes === 100 * MiB)).toBe(true);
    expect(w.wiped).toEqual([]);
    expect(w.pivots).toBe(false);
    const create = w.steps[0]!;
    expect(create.phase).toBe('prepare');
    expect(create.undo).toEqual(['delete p2:snap2.qcow2']);
  });

  it('a move that wipes its source lists the wiped files, not deleted ones', () => {
    const inv = world({ running: false });
    const w = planWords(
      plan({ kind: 'move', volume: 'data', toPool: 'p2', wipeSource: true }, inv),
      parseInventory(inv),
    );
    expect(w.wiped).toEqual([{ name: 'p1:data.img', bytes: 300 * MiB }]);
    expect(w.deleted).toEqual([]);
  });

  it('live copy and pivot: the running disk switches', () => {
    const inv = world({ running: true });
    const p = plan(
      {
        kind: 'block-copy',
        vm: 'vm1',
        disks: [{ disk: 'vda', pool: 'p2', name: 'copy.qcow2', flags: { copy: true } }],
      },
      inv,
    );
    const w = planWords(p, parseInventory(inv));
    expect(w.pivots).toBe(true);
    expect(w.created.map((c) => c.name)).toEqual(['p2:copy.qcow2']);
    expect(w.switched[0]).toMatch(/^VM vm1: its disk switches/);
    expect(w.copyBytes).toBeGreaterThan(0);
  });
});
