// The agent's own inventory records, kept on disk: volume ids (a plan's copy keeps the id the
// planner gave it), volume states (ILLEGAL while half-made), snapshots, and the disks of VMs seen
// last. File facts (size, allocation, backing) are refreshed from a scan; this keeps what a scan
// cannot know. Written whole to a temp file, fsync'd, renamed: a crash leaves the old or the new.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { createPrivateTemp, tighten } from '../../auth/private-files.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import { applyInventoryOps } from '../../plan/apply-inventory-ops.js';
import type { Inventory } from '../../plan/inventory.js';
import type { InventoryOp } from '../../plan/inventory-ops.js';

export interface StoreData {
  volumes: Inventory['volumes'];
  snapshots: Inventory['snapshots'];
  vms: Inventory['vms'];
  /** Markers of applied inventory-update calls (`JOB:CALL`), so a replay after a crash applies once. */
  applied: string[];
}

export class InventoryStore {
  /** The text last written or read: a build that changes nothing writes nothing. */
  private text: string | undefined;

  private constructor(
    readonly path: string,
    public data: StoreData,
  ) {}

  static open(path: string): InventoryStore {
    if (!existsSync(path)) return new InventoryStore(path, { volumes: [], snapshots: [], vms: [], applied: [] });
    tighten(path, 0o600, false); // written 0600 (save), but one made before modes were enforced may be looser
    try {
      const text = readFileSync(path, 'utf8');
      const store = new InventoryStore(path, JSON.parse(text) as StoreData);
      store.text = text;
      return store;
    } catch (e) {
      throw new VdiskError('E_AGENT_JOURNAL', `cannot read ${path}: ${(e as Error).message}`, { path });
    }
  }

  /** Applies ops to `current` (the full inventory as built now) once per marker, and keeps the result. */
  apply(current: Inventory, ops: InventoryOp[], marker: string): Inventory {
    if (this.data.applied.includes(marker)) return current;
    const next = applyInventoryOps(current, ops);
    this.save({
      volumes: next.volumes,
      snapshots: next.snapshots,
      vms: next.vms,
      applied: [...this.data.applied, marker],
    });
    return next;
  }

  /** Saves `data` unless it is what the file holds already (no write, no fsync). */
  saveIfChanged(data: StoreData): void {
    const text = JSON.stringify(data, null, 1);
    if (text === this.text) this.data = data;
    else this.write(data, text);
  }

  save(data: StoreData): void {
    this.write(data, JSON.stringify(data, null, 1));
  }

  private write(data: StoreData, text: string): void {
    const tmp = `${this.path}.tmp`;
    const fd = createPrivateTemp(tmp);
    try {
      writeSync(fd, text);
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
    this.text = text;
  }
}
