// Applies an inventory-update step's ops to an inventory, all or nothing (returns a new inventory).
// Shared by the simulator and whatever stores the real inventory. Undo ops are idempotent: forgetting
// a volume that is gone, or setting the state of one that is gone, is not an error.
import { VdiskError } from '../errors/vdisk-error.js';
import type { Inventory } from './inventory.js';
import type { InventoryOp } from './inventory-ops.js';

export function applyInventoryOps(inv: Inventory, ops: InventoryOp[]): Inventory {
  const next: Inventory = cloneInventory(inv);
  for (const op of ops) APPLY[op.op](next, op as never);
  return next;
}

/** A deep copy of every level the ops change, by hand: several times faster than structuredClone,
 * and the property tests apply ops hundreds of thousands of times. */
export function cloneInventory(inv: Inventory): Inventory {
  return {
    ...inv,
    hosts: inv.hosts.map((h) => ({ ...h })),
    pools: inv.pools.map((p) => ({ ...p })),
    volumes: inv.volumes.map((v) => ({ ...v })),
    vms: inv.vms.map((vm) => ({
      ...vm,
      disks: vm.disks.map((d) => ({ ...d, nodes: d.nodes.map((n) => ({ ...n })) })),
    })),
    snapshots: inv.snapshots.map((s) => ({ ...s, disks: s.disks.map((d) => ({ ...d })) })),
  };
}

const volume = (inv: Inventory, id: string) => {
  const v = inv.volumes.find((x) => x.id === id);
  if (!v) throw new VdiskError('E_PLAN_UNKNOWN_VOLUME', `no volume '${id}'`, { field: 'volume', value: id });
  return v;
};

type Handler<K extends InventoryOp['op']> = (inv: Inventory, op: Extract<InventoryOp, { op: K }>) => void;

const APPLY: { [K in InventoryOp['op']]: Handler<K> } = {
  'add-volume': (inv, op) => {
    if (inv.volumes.some((v) => v.id === op.volume.id || v.path === op.volume.path)) {
      throw new VdiskError('E_PLAN_NAME_TAKEN', `volume '${op.volume.id}' exists`, { path: op.volume.path });
    }
    // The plan's own steps write the file in this format: stated, whatever the op says.
    inv.volumes.push({ ...op.volume, formatSource: 'stated' });
  },
  'forget-volume': (inv, op) => {
    inv.volumes = inv.volumes.filter((v) => v.id !== op.volume);
  },
  'set-state': (inv, op) => {
    const v = inv.volumes.find((x) => x.id === op.volume);
    if (v) v.state = op.state;
  },
  adopt: (inv, op) => {
    const v = volume(inv, op.volume);
    const from = volume(inv, op.from);
    Object.assign(v, {
      pool: from.pool,
      path: from.path,
      format: from.format,
      formatSource: from.formatSource,
      virtualSize: from.virtualSize,
      allocated: from.allocated,
      backingName: from.backingName,
      state: from.state,
      backing: op.backing,
    });
    inv.volumes = inv.volumes.filter((x) => x.id !== op.from);
  },
  relocate: (inv, op) => {
    const v = volume(inv, op.volume);
    if (inv.volumes.some((x) => x.path === op.path && x.id !== op.volume))
      throw new VdiskError('E_PLAN_NAME_TAKEN', `another volume is at ${op.path}`, { path: op.path });
    v.pool = op.pool;
    v.path = op.path;
  },
  'set-backing': (inv, op) => {
    const v = volume(inv, op.volume);
    v.backing = op.backing;
    v.backingName = op.backingName;
  },
  'set-disk': (inv, op) => {
    const disk = inv.vms.find((m) => m.id === op.vm)?.disks.find((d) => d.target === op.disk);
    if (!disk)
      throw new VdiskError('E_PLAN_UNKNOWN_DISK', `no disk '${op.disk}' on '${op.vm}'`, {
        field: 'disk',
        value: op.disk,
      });
    volume(inv, op.volume);
    disk.volume = op.volume;
    disk.nodes = op.nodes.map((n) => ({ ...n }));
  },
  'add-snapshot': (inv, op) => {
    if (op.snapshot.current) for (const s of inv.snapshots) if (s.vm === op.snapshot.vm) s.current = false;
    inv.snapshots.push({ ...op.snapshot, disks: op.snapshot.disks.map((d) => ({ ...d })) });
  },
  'snapshot-merged': (inv, op) => {
    const d = inv.snapshots.find((s) => s.id === op.snapshot)?.disks.find((x) => x.target === op.disk);
    if (d) d.merged = true;
  },
  'remove-snapshots': (inv, op) => {
    const gone = inv.snapshots.filter((s) => op.snapshots.includes(s.id));
    const vm = gone[0]?.vm;
    const hadCurrent = gone.some((s) => s.current);
    inv.snapshots = inv.snapshots.filter((s) => !op.snapshots.includes(s.id));
    for (const s of inv.snapshots) {
      if (s.vm !== vm) continue;
      if (s.parent && op.snapshots.includes(s.parent)) s.parent = op.parent;
      if (hadCurrent) s.current = s.id === op.current;
    }
  },
};
