// An offline move between pools on one file system is a rename after a flush: the layers keep their
// ids and their files (the simulator's file objects are the same ones), nothing is copied, verified
// or deleted, and no free space is asked. Everything a rename cannot give falls back to the copy.
import { describe, expect, it } from 'vitest';
import { factsDigest } from '../../src/plan/facts.js';
import { parseInventory, parseRequest } from '../../src/plan/plan.js';
import { worldFromInventory } from '../../src/plan/sim/from-inventory.js';
import { simulatePlan } from '../../src/plan/sim/simulate.js';
import { actions, plan, sim, stepOf } from './helpers.js';
import { world } from './fixtures.js';

type World = ReturnType<typeof world>;
const keepChain = { kind: 'move', volume: 'snap2', toPool: 'p2', shape: 'keep-chain' } as const;

/** The fixture world, VM off, with pools p1 and p2 on the given file systems (undefined: unknown). */
function onFs(p1?: string, p2?: string, reflink = false): World {
  const w = world({ running: false });
  for (const p of w.pools!) {
    const id = p.id === 'p1' ? p1 : p.id === 'p2' ? p2 : undefined;
    if (id) Object.assign(p, { fs: { id, reflink } });
  }
  return w;
}

describe('move by rename', () => {
  it('keep-chain within one file system: flush every layer, one rename step, the same files under new names', async () => {
    const w = onFs('fs1', 'fs1');
    const p = plan(keepChain, w);
    expect(actions(p)).toEqual(['flush-volume', 'flush-volume', 'flush-volume', 'rename-volumes']);
    expect(p.summary).toContain('by rename');
    expect(p.preconditions.some((c) => c.check === 'pool-free')).toBe(false);
    const inv = parseInventory(w);
    const start = worldFromInventory(inv);
    const files = new Map(['base', 'snap1', 'snap2'].map((id) => [id, start.files.get(`/pool1/${id}.qcow2`)!]));
    const r = await simulatePlan(p, inv, { world: start });
    expect(r.problems).toEqual([]);
    expect(r.report.outcome).toBe('done');
    for (const [id, file] of files) {
      const v = r.world.inv.volumes.find((x) => x.id === id)!;
      expect(v.pool).toBe('p2');
      expect(v.path).toBe(`/pool2/${id}.qcow2`);
      expect(r.world.files.has(`/pool1/${id}.qcow2`)).toBe(false);
      expect(r.world.files.get(v.path)).toBe(file); // the same file (inode), not a copy of it
    }
  });

  it('a single layer keeps its shape when flattened: a rename too', () => {
    expect(actions(plan({ kind: 'move', volume: 'data', toPool: 'p2' }, onFs('fs1', 'fs1')))).toEqual([
      'flush-volume',
      'rename-volumes',
    ]);
  });

  it('a fault in the rename moves nothing and is reported; its undo renames back', async () => {
    const w = onFs('fs1', 'fs1');
    const p = plan(keepChain, w);
    const rename = stepOf(p, 'rename-volumes');
    const r = await sim(p, w, { step: rename });
    expect(r.problems).toEqual([]);
    expect(r.report.failure?.step).toBe(rename);
    expect(r.world.inv.volumes.find((v) => v.id === 'snap2')!.path).toBe('/pool1/snap2.qcow2');
    const undo = p.steps.find((s) => s.id === rename)!.undo;
    expect(undo).toEqual([
      {
        action: 'rename-volumes',
        params: {
          moves: ['base', 'snap1', 'snap2'].map((id) => ({
            volume: id,
            pool: 'p1',
            fromPath: `/pool2/${id}.qcow2`,
            toPath: `/pool1/${id}.qcow2`,
          })),
        },
      },
    ]);
  });

  it.each([
    ['two file systems', onFs('fs1', 'fs2'), keepChain],
    ['unknown file systems', onFs(), keepChain],
    ['one known, one unknown', onFs('fs1'), keepChain],
    ['a wipe asked for (seed 000: move is copy and delete)', onFs('fs1', 'fs1'), { ...keepChain, wipeSource: true }],
    ['a copy asked for', onFs('fs1', 'fs1'), { ...keepChain, method: 'copy' }],
    ['flattening a chain of three', onFs('fs1', 'fs1'), { ...keepChain, shape: 'flatten' }],
  ])('%s: copies', (_name, w, req) => {
    const a = actions(plan(req, w));
    expect(a).toContain('copy-data');
    expect(a).not.toContain('rename-volumes');
  });

  it('a backing name that would not find the renamed layer below: copies (the copy writes new names)', () => {
    const w = onFs('fs1', 'fs1');
    const snap1 = w.volumes!.find((v) => v.id === 'snap1')!;
    snap1.backingName = '/pool1/base.qcow2';
    expect(actions(plan(keepChain, w))).toContain('copy-data');
  });

  it('a world-writable layer: copies (a copy drops world-write, a rename would keep it)', () => {
    const w = onFs('fs1', 'fs1');
    Object.assign(w.volumes!.find((v) => v.id === 'data')!, { mode: '0666' });
    expect(actions(plan({ kind: 'move', volume: 'data', toPool: 'p2' }, w))).toContain('copy-data');
  });

  it('needs no free space; the same move across file systems still does', () => {
    const tight = (w: World) => {
      w.pools!.find((p) => p.id === 'p2')!.free = 0;
      return w;
    };
    expect(actions(plan(keepChain, tight(onFs('fs1', 'fs1'))))).toContain('rename-volumes');
    expect(() => plan(keepChain, tight(onFs('fs1', 'fs2')))).toThrow(
      expect.objectContaining({ code: 'E_PLAN_POOL_TOO_SMALL' }),
    );
  });

  it('the pools file systems are facts: a plan made on one file system is stale on two', () => {
    const req = parseRequest(keepChain);
    const same = factsDigest(req, parseInventory(onFs('fs1', 'fs1')));
    expect(factsDigest(req, parseInventory(onFs('fs1', 'fs2')))).not.toBe(same);
    expect(factsDigest(req, parseInventory(onFs('fs1', 'fs1', true)))).not.toBe(same);
    expect(factsDigest(req, parseInventory(onFs('fs1', 'fs1')))).toBe(same);
  });

  it('the simulator catches a rename whose backing names break (the check above is needed)', async () => {
    const w = onFs('fs1', 'fs1');
    const p = plan(keepChain, w);
    // The same plan run on a world where snap2 names its backing absolutely: after the rename the
    // name points at a file that is gone, and the invariant check says the guest data is lost.
    const broken = onFs('fs1', 'fs1');
    broken.volumes!.find((v) => v.id === 'snap2')!.backingName = '/pool1/snap1.qcow2';
    const r = await sim(p, broken);
    expect(r.problems.join('\n')).toMatch(/not whole|does not exist|broken/);
  });
});
