// Reading the inventory with the checks every planner needs; each miss is a stable code.
import { VdiskError } from '../errors/vdisk-error.js';
import type { Disk, Inventory, Pool, Snapshot, Vm, Volume } from './inventory.js';
import { childrenById, volumeById, volumeByPath } from './inventory-index.js';
import { isInside } from './paths.js';

export function getVolume(inv: Inventory, id: string): Volume {
  const v = volumeById(inv, id);
  if (!v)
    throw new VdiskError('E_PLAN_UNKNOWN_VOLUME', `no volume '${id}' in the inventory`, { field: 'volume', value: id });
  return v;
}

/** A pool a plan may write to or read from: it must exist and be a directory pool. */
export function getPool(inv: Inventory, id: string): Pool {
  const p = inv.pools.find((x) => x.id === id);
  if (!p) throw new VdiskError('E_PLAN_UNKNOWN_POOL', `no pool '${id}' in the inventory`, { field: 'pool', value: id });
  if (p.type !== 'dir')
    throw new VdiskError('E_PLAN_BLOCK_POOL', `pool '${id}' is a block-device pool`, { field: 'pool', value: id });
  return p;
}

export function getVm(inv: Inventory, id: string): Vm {
  const vm = inv.vms.find((x) => x.id === id);
  if (!vm) throw new VdiskError('E_PLAN_UNKNOWN_VM', `no VM '${id}' in the inventory`, { field: 'vm', value: id });
  return vm;
}

export function getDisk(vm: Vm, target: string): Disk {
  const d = vm.disks.find((x) => x.target === target);
  if (!d)
    throw new VdiskError('E_PLAN_UNKNOWN_DISK', `VM '${vm.id}' has no disk '${target}'`, {
      field: 'disk',
      value: target,
    });
  return d;
}

export function getSnapshot(inv: Inventory, vm: string, id: string): Snapshot {
  const s = inv.snapshots.find((x) => x.id === id && x.vm === vm);
  if (!s)
    throw new VdiskError('E_PLAN_UNKNOWN_SNAPSHOT', `VM '${vm}' has no snapshot '${id}'`, {
      field: 'snapshot',
      value: id,
    });
  return s;
}

/** The backing chain, top first. Loops and missing links are refused, never followed. */
export function chainOf(inv: Inventory, topId: string): Volume[] {
  const chain: Volume[] = [];
  const seen = new Set<string>();
  for (let id: string | null = topId; id !== null; ) {
    if (seen.has(id))
      throw new VdiskError('E_PLAN_CHAIN_BROKEN', `backing chain of '${topId}' loops at '${id}'`, {
        field: 'backing',
        value: id,
      });
    seen.add(id);
    const v = volumeById(inv, id);
    if (!v)
      throw new VdiskError('E_PLAN_CHAIN_BROKEN', `backing '${id}' of '${topId}' is not in the inventory`, {
        field: 'backing',
        value: id,
      });
    chain.push(v);
    id = v.backing;
  }
  return chain;
}

/** Volumes whose backing is `id`. */
export function childrenOf(inv: Inventory, id: string): Volume[] {
  return childrenById(inv, id);
}

/** The disks (of any VM) whose chain contains the volume, and where in it. */
export function disksUsing(inv: Inventory, id: string): { vm: Vm; disk: Disk; depth: number }[] {
  const out: { vm: Vm; disk: Disk; depth: number }[] = [];
  for (const vm of inv.vms) {
    for (const disk of vm.disks) {
      const depth = chainOf(inv, disk.volume).findIndex((v) => v.id === id);
      if (depth >= 0) out.push({ vm, disk, depth });
    }
  }
  return out;
}

export function hostOfPool(inv: Inventory, poolId: string): string {
  return getPool(inv, poolId).host;
}

/** The one host a plan touches; two or more is E_CROSS_HOST. */
export function singleHost(hosts: string[]): string {
  const set = [...new Set(hosts)];
  if (set.length !== 1)
    throw new VdiskError('E_CROSS_HOST', `the request spans hosts ${set.join(', ')}`, {
      field: 'host',
      value: set.join(','),
    });
  return set[0]!;
}

/** The directory pool whose root holds `path`, on `host`. */
export function poolOfPath(inv: Inventory, path: string): Pool {
  const pool = inv.pools.find((p) => isInside(p.root, path));
  if (!pool) throw new VdiskError('E_PLAN_PATH_OUTSIDE_POOL', `'${path}' is not inside any pool`, { path });
  return getPool(inv, pool.id);
}

export function assertPathFree(inv: Inventory, path: string): void {
  if (volumeByPath(inv, path)) throw new VdiskError('E_PLAN_NAME_TAKEN', `'${path}' already exists`, { path });
}

export function assertLegal(chain: Volume[]): void {
  const bad = chain.find((v) => v.state !== 'ok');
  if (!bad) return;
  const what = bad.state === 'orphan' ? `an orphan of job ${bad.orphanOf ?? '?'} (its retry deletes it)` : 'ILLEGAL';
  throw new VdiskError('E_PLAN_ILLEGAL_VOLUME', `volume '${bad.id}' is ${what}`, {
    field: 'volume',
    value: bad.id,
    path: bad.path,
  });
}

/** A layer whose format was only probed and that names a backing file is no plan's source: its
 * "header" may be guest data (a raw disk's first sector), its backing any file the guest chose. */
export function assertFormatsStated(chain: Volume[]): void {
  const bad = chain.find(
    (v) => v.formatSource === 'probed' && v.format === 'qcow2' && (v.backing !== null || v.backingName !== null),
  );
  if (bad) {
    const message = `volume '${bad.id}' reads as qcow2 on a backing file, but that format was only probed`;
    throw new VdiskError('E_PLAN_FORMAT_UNCONFIRMED', message, { field: 'volume', value: bad.id });
  }
}

export function assertFiles(chain: Volume[]): void {
  const bad = chain.find((v) => v.storage !== 'file');
  if (bad)
    throw new VdiskError('E_PLAN_LAYER_NOT_FILE', `layer '${bad.id}' is ${bad.storage} storage`, {
      field: 'volume',
      value: bad.id,
    });
}

/** The pools of every layer: each must be known and a directory pool (block pools are refused). */
export function poolsOf(inv: Inventory, chain: Volume[]): Pool[] {
  return chain.map((v) => getPool(inv, v.pool));
}

/** A running VM's disk must list its QEMU node chain (top first) before a live plan can address it. */
export function assertNodes(vm: Vm, disk: Disk, layers = 1): void {
  if (vm.running && disk.nodes.length < layers) {
    const message = `running VM '${vm.id}' lists ${disk.nodes.length} nodes for '${disk.target}'`;
    throw new VdiskError('E_PLAN_BAD_INVENTORY', message, { field: 'nodes', value: disk.target });
  }
}

/** Writable by a running guest: the top of a running VM's disk. */
export function runningWriter(inv: Inventory, id: string): { vm: Vm; disk: Disk } | undefined {
  return disksUsing(inv, id).find((u) => u.vm.running && u.depth === 0);
}
