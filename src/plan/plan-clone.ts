// Clone a volume (seed 002, libvirt virStorageVolCreateXMLFrom): within or across pools, changing
// format, to a larger capacity (never smaller), raw kept sparse, flattened or shallow onto the same
// backing. The clone is a new volume with its own id, name, owner and mode.
import { VdiskError } from '../errors/vdisk-error.js';
import { StepList } from './builder.js';
import type { IdSource } from './ids.js';
import type { Inventory } from './inventory.js';
import {
  assertFiles,
  assertFormatsStated,
  assertLegal,
  assertPathFree,
  chainOf,
  disksUsing,
  getPool,
  getVolume,
  poolsOf,
  runningWriter,
  singleHost,
} from './lookup.js';
import { makePlan } from './make-plan.js';
import { roomForCopy, sharesExtents } from './pool-fs.js';
import { addOfflineCopy } from './offline-copy.js';
import { isInside, joinPath, relativeBackingName } from './paths.js';
import type { Plan } from './plan-schema.js';
import type { CloneRequest } from './requests.js';
import { inheritedMode, requestedMode } from './modes.js';

export function planClone(req: CloneRequest, inv: Inventory, ids: IdSource): Plan {
  const source = getVolume(inv, req.volume);
  const chain = chainOf(inv, source.id);
  const pool = getPool(inv, req.toPool);
  const sourcePools = poolsOf(inv, chain);
  assertFiles(chain);
  assertLegal(chain);
  assertFormatsStated(chain);
  const host = singleHost([
    pool.host,
    ...sourcePools.map((p) => p.host),
    ...disksUsing(inv, source.id).map((u) => u.vm.host),
  ]);
  const writer = runningWriter(inv, source.id);
  if (writer)
    throw new VdiskError('E_PLAN_VOLUME_IN_USE', `'${source.id}' is written by running VM '${writer.vm.id}'`, {
      field: 'volume',
      value: source.id,
    });
  const format = req.format ?? source.format;
  const backing = req.shape === 'shallow' ? (chain[1] ?? null) : null;
  if (backing && format === 'raw')
    throw new VdiskError('E_PLAN_RAW_CANNOT_BACK', 'a shallow clone must be qcow2', { field: 'format', value: format });
  const capacity = req.capacity ?? source.virtualSize;
  if (capacity < source.virtualSize) {
    throw new VdiskError('E_PLAN_CLONE_SMALLER', `capacity ${capacity} is below the source's ${source.virtualSize}`, {
      field: 'capacity',
      value: capacity,
    });
  }
  const path = joinPath(pool.root, req.name);
  // A name such as `..` or `.` would put the clone outside the pool (or on its root).
  if (!isInside(pool.root, path)) {
    throw new VdiskError('E_PLAN_PATH_OUTSIDE_POOL', `'${req.name}' is not a file name inside pool '${pool.id}'`, {
      path,
    });
  }
  assertPathFree(inv, path);
  const bytes = backing ? source.allocated : chain.reduce((n, v) => n + v.allocated, 0);
  // What the copy reads: the top alone (shallow) or the whole chain; on one reflink file system the
  // engine shares those extents and the pool needs only metadata headroom (pool-fs.ts).
  const read = backing ? [source] : chain;
  const reflinked = sharesExtents(
    pool,
    poolsOf(inv, read),
    read.map((v) => v.format),
    format,
  );
  const room = roomForCopy(bytes, reflinked);
  if (room > pool.free)
    throw new VdiskError(
      'E_PLAN_POOL_TOO_SMALL',
      `pool '${pool.id}' has ${pool.free} bytes free, the clone needs ${room}`,
      { field: 'toPool', value: pool.id },
    );
  const target = {
    ...source,
    id: ids('volume'),
    pool: pool.id,
    path,
    format,
    virtualSize: capacity,
    allocated: 0,
    state: 'illegal' as const,
    owner: req.owner ?? source.owner,
    mode: req.mode !== undefined ? requestedMode(req.mode) : inheritedMode(source.mode),
    backing: backing?.id ?? null,
    backingName: backing ? relativeBackingName(path, backing.path) : null,
  };
  const list = new StepList();
  addOfflineCopy(
    list,
    { source, target, depth: backing ? 'top' : 'flatten', bytes, backingFormat: backing?.format ?? null },
    req.verify,
  );
  return makePlan(
    {
      request: req,
      host,
      live: false,
      steps: list.steps,
      summary:
        `clone ${source.id} (${source.path}) to ${path} as ${format}, ${capacity} bytes, ` +
        `${backing ? `shallow on ${backing.path}` : 'flattened'}, owner ${target.owner} mode ${target.mode}`,
      preconditions: [
        ...chain.map((v) => ({ check: 'volume-state' as const, volume: v.id, state: 'ok' as const })),
        { check: 'pool-free', pool: pool.id, bytes: room },
        { check: 'file-absent', path },
      ],
      postconditions: [
        { check: 'volume-path', volume: target.id, path },
        { check: 'volume-state', volume: target.id, state: 'ok' },
      ],
      retry: 'a failed clone removes its partial target: re-run the same request',
    },
    ids,
  );
}
