// Checks for a live block copy of one disk (seed 001), before any step is planned: the flag row,
// the source chain, and the target (a new file in a pool, or an existing volume for REUSE_EXT).
import { VdiskError } from '../errors/vdisk-error.js';
import { flagRow, flagsToNumber, type CopyShape } from './block-copy-flags.js';
import type { IdSource } from './ids.js';
import type { Disk, Inventory, Pool, Vm, Volume } from './inventory.js';
import {
  assertFormatsStated,
  assertLegal,
  assertNodes,
  assertPathFree,
  chainOf,
  childrenOf,
  disksUsing,
  getDisk,
  getPool,
  poolOfPath,
  poolsOf,
} from './lookup.js';
import { joinPath } from './paths.js';
import type { CopyDisk } from './requests.js';
import { inheritedMode } from './modes.js';

export interface DiskCopy {
  disk: Disk;
  chain: Volume[];
  shape: CopyShape;
  target: Volume;
  pool: Pool;
  /** Pools of the source chain (directory pools only; they decide the hosts involved too). */
  sourcePools: Pool[];
  /** The source layer the copy keeps as its backing (shallow copies of a chain), else null. */
  backing: Volume | null;
  bytes: number;
}

export function checkDiskCopy(inv: Inventory, vm: Vm, d: CopyDisk, ids: IdSource): DiskCopy {
  const row = flagRow(flagsToNumber(d.flags));
  if ('error' in row) throw new VdiskError(row.error, undefined, { field: 'flags', value: flagsToNumber(d.flags) });
  const shape = row.shape;
  const disk = getDisk(vm, d.disk);
  const chain = chainOf(inv, disk.volume);
  const sourcePools = poolsOf(inv, chain);
  assertLegal(chain);
  assertFormatsStated(chain);
  const top = chain[0]!;
  if (shape.needsRawSource && top.format !== 'raw') {
    throw new VdiskError('E_PLAN_SHALLOW_RAW_NEEDS_RAW_SOURCE', `the top of '${disk.target}' is ${top.format}`, {
      field: 'flags',
      value: top.format,
    });
  }
  const backing = shape.sync === 'top' ? (chain[1] ?? null) : null;
  assertNodes(vm, disk, backing ? 2 : 1); // a shallow copy opens on the source's backing node
  const path = targetPath(inv, d);
  const pool = poolOfPath(inv, path);
  const bytes = shape.sync === 'full' ? chain.reduce((n, v) => n + v.allocated, 0) : top.allocated;
  const target =
    shape.target === 'create'
      ? newTarget(inv, shape, top, backing, path, pool, bytes, ids)
      : reused(inv, d, chain, path);
  return { disk, chain, shape, target, pool, sourcePools, backing, bytes };
}

function targetPath(inv: Inventory, d: CopyDisk): string {
  if (d.path) return d.path;
  if (!d.pool || !d.name)
    throw new VdiskError('E_PLAN_BAD_REQUEST', 'a copy target needs a path, or a pool and a name', { field: 'path' });
  return joinPath(getPool(inv, d.pool).root, d.name);
}

function newTarget(
  inv: Inventory,
  shape: CopyShape,
  top: Volume,
  backing: Volume | null,
  path: string,
  pool: Pool,
  bytes: number,
  ids: IdSource,
): Volume {
  assertPathFree(inv, path);
  if (bytes > pool.free)
    throw new VdiskError(
      'E_PLAN_POOL_TOO_SMALL',
      `pool '${pool.id}' has ${pool.free} bytes free, the copy needs ${bytes}`,
      { field: 'pool', value: pool.id },
    );
  return {
    ...top,
    id: ids('volume'),
    pool: pool.id,
    path,
    format: shape.format === 'raw' ? 'raw' : top.format,
    allocated: 0,
    state: 'illegal',
    storage: 'file',
    mode: inheritedMode(top.mode), // allocation drifts: never a plan parameter
    backing: backing?.id ?? null,
    backingName: backing?.path ?? null,
  };
}

/** REUSE_EXT: the target must be a known, unused volume of the stated format, large enough. */
function reused(inv: Inventory, d: CopyDisk, chain: Volume[], path: string): Volume {
  const target = inv.volumes.find((v) => v.path === path);
  if (!target) throw new VdiskError('E_PLAN_UNKNOWN_VOLUME', `no volume at '${path}' to reuse`, { path });
  if (!d.format) throw new VdiskError('E_PLAN_REUSE_FORMAT_REQUIRED', undefined, { field: 'format', path });
  if (d.format !== target.format || target.virtualSize < chain[0]!.virtualSize) {
    throw new VdiskError('E_PLAN_REUSE_TARGET_MISMATCH', `'${path}' is ${target.format}, ${target.virtualSize} bytes`, {
      path,
    });
  }
  const busy =
    chain.some((v) => v.id === target.id) ||
    disksUsing(inv, target.id).length > 0 ||
    childrenOf(inv, target.id).length > 0;
  if (busy) throw new VdiskError('E_PLAN_VOLUME_IN_USE', `'${path}' is in use`, { path });
  return target;
}
