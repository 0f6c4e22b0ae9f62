// The snapshot-tree rules libvirt enforces before deleting an external snapshot (seed 004): no
// branching below the snapshot, and the current snapshot is the leaf of that linear chain.
import { VdiskError } from '../errors/vdisk-error.js';
import type { Inventory, Snapshot } from './inventory.js';

export type DeleteMode = 'snapshot' | 'with-children' | 'children-only';

/** The snapshot and its descendants, in order, once checked to be linear with a current leaf. */
export function linearLine(inv: Inventory, s: Snapshot): Snapshot[] {
  const line: Snapshot[] = [s];
  for (let at = s; ; ) {
    const kids = inv.snapshots.filter((x) => x.vm === s.vm && x.parent === at.id);
    if (kids.length > 1) {
      throw new VdiskError('E_PLAN_NON_LINEAR_CHAIN', `snapshot '${at.id}' has ${kids.length} children`, {
        field: 'snapshot',
        value: at.id,
      });
    }
    if (!kids.length) break;
    at = kids[0]!;
    line.push(at);
  }
  if (!line.at(-1)!.current) {
    throw new VdiskError(
      'E_PLAN_NOT_CURRENT_LEAF',
      `the leaf '${line.at(-1)!.id}' below '${s.id}' is not the current snapshot`,
      { field: 'snapshot', value: s.id },
    );
  }
  return line;
}

/** Which snapshots a mode removes, where their children hang afterwards, and the new current one. */
export function removal(
  line: Snapshot[],
  mode: DeleteMode,
): { removed: Snapshot[]; parent: string | null; current: string | null } {
  const s = line[0]!;
  if (mode === 'snapshot') return { removed: [s], parent: s.parent, current: s.parent };
  if (mode === 'with-children') return { removed: line, parent: s.parent, current: s.parent };
  return { removed: line.slice(1), parent: s.id, current: s.id };
}
