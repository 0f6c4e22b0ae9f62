// Free space a copy asks of its target pool: on one reflink file system the engine shares the data
// extents, so a clone needs only metadata headroom (and is not refused for space it will not use);
// anywhere else, or where the copy cannot share (raw into qcow2, a live mirror), all its bytes.
import { describe, expect, it } from 'vitest';
import { roomForCopy } from '../../src/plan/pool-fs.js';
import { plan } from './helpers.js';
import { world } from './fixtures.js';

const MiB = 1024 * 1024;
type World = ReturnType<typeof world>;

/** VM off; p1 and p2 on `fs` (or two file systems), p2 with `free` bytes. */
function pools(fs: 'one' | 'two' | 'unknown', reflink: boolean, free: number, running = false): World {
  const w = world({ running });
  for (const p of w.pools!) {
    if (p.id === 'p2') p.free = free;
    if (fs !== 'unknown' && (p.id === 'p1' || p.id === 'p2'))
      Object.assign(p, { fs: { id: fs === 'one' ? 'fs1' : p.id, reflink } });
  }
  return w;
}

const cloneData = (format?: 'raw' | 'qcow2') => ({
  kind: 'clone',
  volume: 'data',
  toPool: 'p2',
  name: 'c.img',
  ...(format ? { format } : {}),
});
const pre = (p: ReturnType<typeof plan>) => p.preconditions.find((c) => c.check === 'pool-free');

describe('room for a copy', () => {
  it('headroom is 1 MiB plus 1/64 of the data, never more than the data', () => {
    expect(roomForCopy(300 * MiB, false)).toBe(300 * MiB);
    expect(roomForCopy(640 * MiB, true)).toBe(11 * MiB);
    expect(roomForCopy(512 * 1024, true)).toBe(512 * 1024);
  });

  it('a raw clone of 300 MiB onto a reflink pool with 20 MiB free: planned, asking the headroom only', () => {
    const p = plan(cloneData(), pools('one', true, 20 * MiB));
    expect(pre(p)).toEqual({ check: 'pool-free', pool: 'p2', bytes: roomForCopy(300 * MiB, true) });
  });

  it.each([
    ['no reflink', pools('one', false, 20 * MiB), cloneData()],
    ['two file systems', pools('two', true, 20 * MiB), cloneData()],
    ['unknown file systems', pools('unknown', true, 20 * MiB), cloneData()],
    ['raw into qcow2 (not shared extent for extent)', pools('one', true, 20 * MiB), cloneData('qcow2')],
  ])('%s: the same clone is refused for its 300 MiB', (_n, w, req) => {
    expect(() => plan(req, w)).toThrow(expect.objectContaining({ code: 'E_PLAN_POOL_TOO_SMALL' }));
  });

  it('a move that must copy (flatten) onto a reflink pool reserves the headroom; live (a mirror) all of it', () => {
    const move = { kind: 'move', volume: 'snap2', toPool: 'p2', shape: 'flatten' };
    const offline = plan(move, pools('one', true, 20 * MiB));
    expect(offline.steps.map((s) => s.action)).toContain('copy-data');
    expect(pre(offline)!.bytes).toBe(roomForCopy(300 * MiB, true));
    expect(() => plan(move, pools('one', true, 20 * MiB, true))).toThrow(
      expect.objectContaining({ code: 'E_PLAN_POOL_TOO_SMALL' }),
    );
  });
});
