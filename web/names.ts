// How the console names storage: every volume as `pool:file` (the file's name inside its pool),
// whatever its id; ids only in details. Pools and VMs by their ids.
import type { Inventory, Volume } from '../src/plan/inventory.js';

export function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function volumeName(v: Pick<Volume, 'pool' | 'path'>): string {
  return `${v.pool}:${fileName(v.path)}`;
}

/** A volume id as a person reads it: `pool:file` when the inventory knows it, else the id itself. */
export function nameOf(inv: Inventory | undefined, id: string): string {
  const v = inv?.volumes.find((x) => x.id === id);
  return v ? volumeName(v) : id;
}

/** A volume's chain, top first, as far as the inventory knows it (stops at a loop). */
export function chainOf(inv: Inventory, id: string): Volume[] {
  const out: Volume[] = [];
  const seen = new Set<string>();
  for (
    let v = inv.volumes.find((x) => x.id === id);
    v && !seen.has(v.id);
    v = v.backing ? inv.volumes.find((x) => x.id === v!.backing) : undefined
  ) {
    seen.add(v.id);
    out.push(v);
  }
  return out;
}
