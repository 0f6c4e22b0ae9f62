// Every check a move needs, done before any step is planned, and the facts the planners use.
import { VdiskError } from '../errors/vdisk-error.js';
import type { Disk, Inventory, Pool, Vm, Volume } from './inventory.js';
import type { IdSource } from './ids.js';
import {
  assertFiles,
  assertFormatsStated,
  assertLegal,
  assertNodes,
  assertPathFree,
  chainOf,
  childrenOf,
  disksUsing,
  getPool,
  getVolume,
  poolsOf,
  singleHost,
} from './lookup.js';
import type { LayerCopy } from './offline-copy.js';
import { basename, joinPath } from './paths.js';
import type { MoveRequest, Verify } from './requests.js';
import { inheritedMode } from './modes.js';
import { canRename } from './move-rename-check.js';
import { roomForCopy, sharesExtents } from './pool-fs.js';

export interface MoveFacts {
  volume: Volume;
  /** Source chain, top first. */
  chain: Volume[];
  pool: Pool;
  host: string;
  live: boolean;
  vm?: Vm;
  disk?: Disk;
  verify: Verify;
  keepChain: boolean;
  wipe: boolean;
  /** Copies to make, bottom first (one when flattening). */
  copies: LayerCopy[];
  /** Old layers that nothing else uses, deleted after the switch, top first. */
  deleted: Volume[];
  bytes: number;
  /** The copies' layers are renamed into the pool instead (plan-move-rename.ts): no bytes move. */
  rename: boolean;
  /** Free bytes the target pool must have: the copy's bytes, less what reflink shares, none for a rename. */
  room: number;
}

export function checkMove(req: MoveRequest, inv: Inventory, ids?: IdSource): MoveFacts {
  const volume = getVolume(inv, req.volume);
  const chain = chainOf(inv, volume.id);
  const pool = getPool(inv, req.toPool);
  const sourcePools = poolsOf(inv, chain);
  assertFiles(chain);
  assertLegal(chain);
  assertFormatsStated(chain);
  if (volume.pool === pool.id)
    throw new VdiskError('E_PLAN_SAME_POOL', `'${volume.id}' is already in pool '${pool.id}'`, {
      field: 'toPool',
      value: pool.id,
    });
  if (childrenOf(inv, volume.id).length) throw shared(volume);
  const users = disksUsing(inv, volume.id);
  const running = users.find((u) => u.vm.running);
  const host = singleHost([pool.host, ...sourcePools.map((p) => p.host), ...users.map((u) => u.vm.host)]);
  const keepChain = req.shape === 'keep-chain' && chain.length > 1;
  const exclusive = exclusiveLayers(inv, chain);
  if (keepChain && exclusive.length !== chain.length) throw shared(chain[exclusive.length]!);
  const live = running !== undefined;
  if (running) assertNodes(running.vm, running.disk, chain.length);
  const verify = req.verify ?? (live ? 'metadata' : 'full');
  if (live && verify === 'full')
    throw new VdiskError('E_PLAN_VERIFY_FULL_LIVE', undefined, { field: 'verify', value: verify });
  const layers = keepChain ? [...chain].reverse() : [volume];
  const copies: LayerCopy[] = [];
  for (const source of layers) {
    const path = joinPath(pool.root, basename(source.path));
    assertPathFree(inv, path);
    // Keep-chain copies every layer into the pool root: two layers with one file name would collide.
    const twin = copies.find((c) => c.target.path === path);
    if (twin) {
      throw new VdiskError(
        'E_PLAN_NAME_TAKEN',
        `'${twin.source.id}' and '${source.id}' would both be copied to '${path}'`,
        { path },
      );
    }
    const below = copies.at(-1)?.target ?? null;
    const bytes = keepChain ? source.allocated : chain.reduce((n, v) => n + v.allocated, 0);
    copies.push({
      source,
      depth: keepChain ? 'top' : 'flatten',
      bytes,
      backingFormat: below?.format ?? null,
      target: {
        ...source,
        id: ids ? ids('volume') : `${source.id}-copy`,
        pool: pool.id,
        path,
        allocated: 0,
        state: 'illegal',
        mode: inheritedMode(source.mode),
        backing: below?.id ?? null,
        backingName: below ? basename(below.path) : null,
      },
    });
  }
  const bytes = copies.reduce((n, c) => n + c.bytes, 0);
  const rename = canRename({
    live,
    wipe: req.wipeSource,
    copy: req.method === 'copy',
    keepChain,
    chain,
    copies,
    pool,
    sourcePools,
  });
  // A live move copies through QEMU's mirror, which shares nothing; the engine's offline copy can.
  const reflinked =
    !live &&
    sharesExtents(
      pool,
      sourcePools,
      chain.map((v) => v.format),
      volume.format,
    );
  const room = rename ? 0 : roomForCopy(bytes, reflinked);
  if (room > pool.free)
    throw new VdiskError(
      'E_PLAN_POOL_TOO_SMALL',
      `pool '${pool.id}' has ${pool.free} bytes free, the copy needs ${room}`,
      { field: 'toPool', value: pool.id },
    );
  const vm = running?.vm ?? users[0]?.vm;
  const disk = running?.disk ?? users[0]?.disk;
  return {
    volume,
    chain,
    pool,
    host,
    live,
    verify,
    keepChain,
    wipe: req.wipeSource,
    copies,
    deleted: exclusive,
    bytes,
    rename,
    room,
    ...(vm ? { vm } : {}),
    ...(disk ? { disk } : {}),
  };
}

/** The top and every layer below it that only this chain uses (each has one child, the one above). */
export function exclusiveLayers(inv: Inventory, chain: Volume[]): Volume[] {
  const out: Volume[] = [chain[0]!];
  for (const v of chain.slice(1)) {
    const usedElsewhere =
      childrenOf(inv, v.id).length !== 1 || disksUsing(inv, v.id).some((u) => u.disk.volume === v.id);
    if (usedElsewhere) break;
    out.push(v);
  }
  return out;
}

function shared(v: Volume): VdiskError {
  return new VdiskError('E_PLAN_SHARED_BACKING', `'${v.id}' is the backing of another volume`, {
    field: 'volume',
    value: v.id,
    path: v.path,
  });
}
