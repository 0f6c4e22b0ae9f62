// The agent's own inventory records, kept on disk: volume ids (a plan's copy keeps the id the
// planner gave it), volume states (ILLEGAL while half-made), snapshots, and the disks of VMs seen
// last. File facts (size, allocation, backing) are refreshed from a scan; this keeps what a scan
// cannot know. Written whole to a temp file, fsync'd, renamed: a crash leaves the old or the new.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { tighten } from '../auth/private-files.js';
import { VdiskError } from '../errors/vdisk-error.js';
import { applyInventoryOps } from '../plan/apply-inventory-ops.js';
import type { Inventory } from '../plan/inventory.js';
import type { InventoryOp } from '../plan/inventory-ops.js';

export interface StoreData {
  volumes: Inventory['volumes'];
  snapshots: Inventory['snapshots'];
  vms: Inventory['vms'];
  /** Markers of applied inventory-update calls (`JOB:CALL`), so a replay after a crash applies once. */
  applied: string[];
}

export class InventoryStore {
  private constructor(readonly path: string, public data: StoreData) {}

  static open(path: string): InventoryStore {
    if (!existsSync(path)) return new InventoryStore(path, { volumes: [], snapshots: [], vms: [], applied: [] });
    tighten(path, 0o600); // written 0600 (save), but one made before modes were enforced may be looser
    try {
      return new InventoryStore(path, JSON.parse(readFileSync(path, 'utf8')) as StoreData);
    } catch (e) {
      throw new VdiskError('E_AGENT_JOURNAL', `cannot read ${path}: ${(e as Error).message}`, { path });
    }
  }

  /** Applies ops to `current` (the full inventory as built now) once per marker, and keeps the result. */
  apply(current: Inventory, ops: InventoryOp[], marker: string): Inventory {
    if (this.data.applied.includes(marker)) return current;
    const next = applyInventoryOps(current, ops);
    this.save({ volumes: next.volumes, snapshots: next.snapshots, vms: next.vms, applied: [...this.data.applied, marker] });
    return next;
  }

  save(data: StoreData): void {
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(data, null, 1));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    const dir = openSync(dirname(this.path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    this.data = data;
  }
}
