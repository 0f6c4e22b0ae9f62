// The plan preview in words, from real plans of the planner on the planner tests' small world: an
// offline move creates the copy, copies the chain's allocation into the target pool, switches the
// volume and deletes each old layer; a move with wipeSource wipes them instead; a live copy and
// pivot switches the running disk; a move within one file system renames each layer (no space, no
// delete, the undo renames back); a copy onto a reflink pool needs only the headroom the plan asks.
import { describe, expect, it } from 'vitest';
import { world } from '../../plan/fixtures.js';
import { plan } from '../../plan/helpers.js';
import { parseInventory } from '../../../src/plan/plan.js';
import { roomForCopy } from '../../../src/plan/pool-fs.js';
import { effectLines } from '../../../web/gateway/plan-view.js';
import { planWords } from '../../../web/gateway/plan-words.js';
import { runStakes } from '../../../web/gateway/run-stakes.js';

const MiB = 1024 * 1024;

/** The fixture world, VM off, pools p1 and p2 on one file system `fs1` (reflink or not), p2 with `free`. */
function oneFs(reflink: boolean, free?: number) {
  const w = world({ running: false });
  for (const p of w.pools!) {
    if (p.id === 'p1' || p.id === 'p2') Object.assign(p, { fs: { id: 'fs1', reflink } });
    if (p.id === 'p2' && free !== undefined) p.free = free;
  }
  return w;
}

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

  it('move by rename: each layer renamed with its size, no space, nothing deleted, the undo renames back', () => {
    const w0 = oneFs(false);
    const inv = parseInventory(w0);
    const p = plan({ kind: 'move', volume: 'snap2', toPool: 'p2', shape: 'keep-chain' }, w0);
    const w = planWords(p, inv);
    expect(w.renamed).toEqual(
      ['base', 'snap1', 'snap2'].map((id) => ({
        from: `p1:${id}.qcow2`,
        to: `p2:${id}.qcow2`,
        pool: 'p2',
        bytes: 100 * MiB,
      })),
    );
    expect(w.space).toEqual({});
    expect(w.copyBytes).toBe(0);
    expect([w.created, w.deleted, w.wiped]).toEqual([[], [], []]);
    const lines = effectLines(w);
    expect(lines).toContain('Renames into pool p2 (no data copied): p1:snap2.qcow2 → p2:snap2.qcow2 (100 MiB)');
    expect(lines).toContain(
      'Needs no free space: the same files take new names; if it fails, the undo renames them back',
    );
    expect(lines).toContain('Deletes nothing');
    expect(lines.some((l) => l.startsWith('Needs ') && l.includes(' free in pool'))).toBe(false);
    expect(w.steps.at(-1)!.undo).toEqual([
      'rename back p2:base.qcow2 → p1:base.qcow2, p2:snap1.qcow2 → p1:snap1.qcow2, p2:snap2.qcow2 → p1:snap2.qcow2',
    ]);
    // Nothing deleted, no running disk switched: no confirmation, and no source name to type.
    expect(runStakes(p, inv)).toBeNull();
  });

  it('a move by copy still confirms: it names each deleted layer with its size and asks the source typed', () => {
    const w0 = oneFs(false);
    const inv = parseInventory(w0);
    const p = plan({ kind: 'move', volume: 'snap2', toPool: 'p2', method: 'copy' }, w0);
    expect(planWords(p, inv).renamed).toEqual([]);
    const s = runStakes(p, inv)!;
    expect(s.title).toBe('Delete data?');
    expect(s.typeName).toBe('p1:snap2.qcow2');
    expect(s.items).toEqual(
      ['snap2', 'snap1', 'base'].map((id) => ({ verb: 'Deletes', name: `p1:${id}.qcow2`, bytes: 100 * MiB })),
    );
  });

  it('a copy onto a reflink pool needs the headroom its plan asks, not the bytes it copies', () => {
    const headroom = roomForCopy(300 * MiB, true);
    const w0 = oneFs(true, 20 * MiB);
    const inv = parseInventory(w0);
    const clone = planWords(plan({ kind: 'clone', volume: 'data', toPool: 'p2', name: 'c.img' }, w0), inv);
    expect(clone.space).toEqual({ p2: headroom });
    expect(clone.copyBytes).toBe(300 * MiB);
    const move = planWords(plan({ kind: 'move', volume: 'data', toPool: 'p2', method: 'copy' }, w0), inv);
    expect(move.space).toEqual({ p2: headroom });
    expect(effectLines(move)).toContain(`Needs 5.69 MiB free in pool p2`);
  });
});
