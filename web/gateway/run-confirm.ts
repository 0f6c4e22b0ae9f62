// Before a plan runs: a confirmation naming the data at stake (each file and its size) when it
// deletes, wipes or pivots. A plan that deletes its source (a move) asks for the source's name typed.
import { h } from '../dom.js';
import { bytes } from '../format.js';
import type { Inventory } from '../../src/plan/inventory.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import { confirmDialog } from '../ui/dialog.js';
import { nameOf } from '../names.js';
import { planWords } from './plan-words.js';

export async function confirmRun(plan: Plan, inv: Inventory): Promise<boolean> {
  const w = planWords(plan, inv);
  if (!w.deleted.length && !w.wiped.length && !w.pivots) return true;
  const source = plan.request.kind === 'move' ? nameOf(inv, plan.request.volume) : undefined;
  const item = (verb: string) => (f: { name: string; bytes?: number }) =>
    h('li', {}, `${verb} `, h('strong', {}, f.name), f.bytes !== undefined ? ` (${bytes(f.bytes)} on disk)` : '');
  return confirmDialog({
    title: w.wiped.length ? 'Wipe and delete data?' : w.deleted.length ? 'Delete data?' : 'Switch the running disk?',
    confirm: w.wiped.length ? 'Run: wipe and delete' : w.deleted.length ? 'Run: delete' : 'Run: pivot',
    danger: true,
    typeName: source,
    body: [
      h('p', {}, plan.summary),
      h(
        'ul',
        { class: 'at-stake' },
        ...w.deleted.map(item('Deletes')),
        ...w.wiped.map(item('Wipes (overwrites with zeros) and deletes')),
        ...w.switched.filter(() => w.pivots).map((s) => h('li', {}, s)),
      ),
      h(
        'p',
        {},
        w.deleted.length || w.wiped.length
          ? 'Deleted files cannot be brought back once the job switches to the copy.'
          : 'The guest keeps running; its writes go to the copy from then on.',
      ),
    ],
  });
}
