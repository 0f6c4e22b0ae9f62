// What the pools' file systems allow a plan: a rename(2) between two pools on one mount of one file
// system, and extents shared (reflink) by a copy whose source and target are on one reflink file
// system. Pools whose file system is unknown (no `fs`) allow neither: the plan copies and reserves.
import type { Format, Pool } from './inventory.js';

/** A pool as far as its file system goes (the agent passes what it probed). */
type OnFs = Pick<Pool, 'fs'>;

/** True when every pool in `others` lies on `pool`'s file system (same mount: rename works). */
export function sameFs(pool: OnFs, others: OnFs[]): boolean {
  const id = pool.fs?.id;
  return id !== undefined && others.every((p) => p.fs?.id === id);
}

/**
 * True when a copy from `sources` (formats of the layers it reads) to a `target`-format image in
 * `pool` shares its data extents: one reflink file system, and a copy the engine offloads extent for
 * extent (to raw from anything; to a new qcow2 from qcow2 layers, whose data clusters it places on
 * block-aligned host offsets). A raw source into qcow2 is not promised.
 */
export function sharesExtents(pool: OnFs, sourcePools: OnFs[], sources: Format[], target: Format): boolean {
  if (pool.fs?.reflink !== true || !sameFs(pool, sourcePools)) return false;
  return target === 'raw' || sources.every((f) => f === 'qcow2');
}

const MIB = 1024 * 1024;

/**
 * Free bytes a copy of `bytes` needs in its target pool: all of them, or when it shares extents only
 * metadata headroom (the new image's tables and the file system's extent records: 1/64 of the data
 * plus 1 MiB, never more than the data). The agent checks the same figure before it copies.
 */
export function roomForCopy(bytes: number, shared: boolean): number {
  return shared ? Math.min(bytes, MIB + Math.ceil(bytes / 64)) : bytes;
}
