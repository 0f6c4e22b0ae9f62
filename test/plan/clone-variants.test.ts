// Seed 002's clone in every direction issue 5 names: raw → qcow2 as well as qcow2 → raw, within one
// pool as well as across pools, larger (never smaller), raw kept sparse (holes stay holes and the
// pool only needs the allocated bytes), and a name that cannot leave the pool.
import { describe, expect, test } from 'vitest';
import { world } from './fixtures.js';
import { plan, refused, sim, volumeView } from './helpers.js';

const w = world({ running: false });
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const clone = (extra: Record<string, unknown>) => ({ kind: 'clone', toPool: 'p2', ...extra });

describe('clone variants', () => {
  test('raw → qcow2 across pools: same guest data, new id, qcow2 file', async () => {
    const p = plan(clone({ volume: 'data', name: 'data.qcow2', format: 'qcow2' }), w);
    const r = await sim(p, w);
    expect(r.problems).toEqual([]);
    const c = r.world.inv.volumes.find((v) => v.path === '/pool2/data.qcow2')!;
    expect(c).toMatchObject({ format: 'qcow2', state: 'ok', backing: null });
    expect(c.id).not.toBe('data');
    expect(r.world.files.get(c.path)!.format).toBe('qcow2');
    expect(volumeView(r.world, c.id)).toEqual(volumeView(r.world, 'data'));
  });

  test('within the same pool, under its own name, owner and mode (inherited when not given)', async () => {
    const p = plan(clone({ volume: 'snap2', toPool: 'p1', name: 'snap2-clone.qcow2' }), w);
    const r = await sim(p, w);
    expect(r.problems).toEqual([]);
    const c = r.world.inv.volumes.find((v) => v.path === '/pool1/snap2-clone.qcow2')!;
    expect(c).toMatchObject({ pool: 'p1', owner: 'root', mode: '0600', backing: null });
    expect(volumeView(r.world, c.id)).toEqual(volumeView(r.world, 'snap2'));
    expect(r.world.inv.volumes.find((v) => v.id === 'snap2')!.path).toBe('/pool1/snap2.qcow2'); // source untouched
  });

  test('a raw clone stays sparse: holes of the source are not written', async () => {
    const src = (await sim(plan(clone({ volume: 'data', name: 'x.img' }), w), w)).world;
    const holes = volumeView(src, 'data')!.flatMap((b, i) => (b === '0' ? [String(i)] : []));
    expect(holes.length).toBeGreaterThan(0); // the fixture's raw volume has a hole to keep
    const blocks = src.files.get('/pool2/x.img')!.blocks;
    for (const h of holes) expect(Object.keys(blocks)).not.toContain(h);
    expect(volumeView(src, src.inv.volumes.find((v) => v.path === '/pool2/x.img')!.id)).toEqual(
      volumeView(src, 'data'),
    );
  });

  test('the target pool needs room for the allocated bytes, not the virtual size', () => {
    const small = world({ running: false });
    small.pools!.push({ id: 'p3', host: 'h1', root: '/pool3', capacity: GiB, free: 400 * MiB });
    const p = plan(clone({ volume: 'data', toPool: 'p3', name: 'd.img', capacity: 20 * GiB }), small);
    expect(p.preconditions).toContainEqual({ check: 'pool-free', pool: 'p3', bytes: 300 * MiB });
    small.pools!.at(-1)!.free = 200 * MiB;
    refused(() => plan(clone({ volume: 'data', toPool: 'p3', name: 'd.img' }), small), 'E_PLAN_POOL_TOO_SMALL');
  });

  test.each(['raw', 'qcow2'] as const)(
    'a larger %s clone gets the new capacity; the same size is allowed, smaller is refused',
    async (format) => {
      const p = plan(clone({ volume: 'snap2', name: `big.${format}`, format, capacity: 12 * GiB }), w);
      const r = await sim(p, w);
      expect(r.problems).toEqual([]);
      expect(r.world.files.get(`/pool2/big.${format}`)!.size).toBe(12 * GiB);
      expect(() => plan(clone({ volume: 'snap2', name: 'same', format, capacity: 10 * GiB }), w)).not.toThrow();
      refused(
        () => plan(clone({ volume: 'snap2', name: 'small', format, capacity: 10 * GiB - 1 }), w),
        'E_PLAN_CLONE_SMALLER',
      );
    },
  );

  test('a name that leaves the pool (or is its root) is refused', () => {
    refused(() => plan(clone({ volume: 'data', name: '..' }), w), 'E_PLAN_PATH_OUTSIDE_POOL');
    refused(() => plan(clone({ volume: 'data', name: '.' }), w), 'E_PLAN_PATH_OUTSIDE_POOL');
    refused(() => plan(clone({ volume: 'data', name: 'a/b' }), w), 'E_PLAN_BAD_REQUEST');
  });

  test('a source layer on a block pool is refused with a code', () => {
    const b = world({ running: false });
    b.volumes!.find((v) => v.id === 'data')!.pool = 'lvm';
    refused(() => plan(clone({ volume: 'data', name: 'x.img' }), b), 'E_PLAN_BLOCK_POOL');
    refused(() => plan({ kind: 'move', volume: 'data', toPool: 'p2' }, b), 'E_PLAN_BLOCK_POOL');
  });
});
