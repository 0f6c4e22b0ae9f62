// What a run puts at stake, as the confirmation says it: each file deleted or wiped (with its size),
// a running disk switched, and for a move that deletes its source the source's name to type. A move
// by rename deletes nothing and switches no running disk: nothing to confirm (its undo renames back).
// Pure: run-confirm.ts draws it.
import type { Inventory } from '../../src/plan/inventory.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import { nameOf } from '../names.js';
import { planWords } from './plan-words.js';

export interface Stakes {
  title: string;
  confirm: string;
  /** The name the user types to go on (a move's source, when the plan deletes or wipes it). */
  typeName?: string;
  /** One line per item at stake: the verb, the `pool:file`, its size on disk. */
  items: { verb: string; name: string; bytes?: number }[];
  /** Lines said as they are (a pivot's switch). */
  notes: string[];
  closing: string;
}

/** The stakes of running `plan`, or null when it deletes, wipes and pivots nothing. */
export function runStakes(plan: Plan, inv: Inventory): Stakes | null {
  const w = planWords(plan, inv);
  const destroys = w.deleted.length > 0 || w.wiped.length > 0;
  if (!destroys && !w.pivots) return null;
  return {
    title: w.wiped.length ? 'Wipe and delete data?' : w.deleted.length ? 'Delete data?' : 'Switch the running disk?',
    confirm: w.wiped.length ? 'Run: wipe and delete' : w.deleted.length ? 'Run: delete' : 'Run: pivot',
    typeName: destroys && plan.request.kind === 'move' ? nameOf(inv, plan.request.volume) : undefined,
    items: [
      ...w.deleted.map((f) => ({ verb: 'Deletes', ...f })),
      ...w.wiped.map((f) => ({ verb: 'Wipes (overwrites with zeros) and deletes', ...f })),
    ],
    notes: w.pivots ? w.switched : [],
    closing: destroys
      ? 'Deleted files cannot be brought back once the job switches to the copy.'
      : 'The guest keeps running; its writes go to the copy from then on.',
  };
}
