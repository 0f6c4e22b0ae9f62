// Before a plan runs: a confirmation naming the data at stake (each file and its size) when it
// deletes, wipes or pivots (run-stakes.ts decides what is at stake). A plan that deletes its source
// (a move by copy) asks for the source's name typed; a move by rename deletes nothing and runs.
import { h } from '../dom.js';
import { bytes } from '../format.js';
import type { Inventory } from '../../src/plan/inventory.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import { confirmDialog } from '../ui/dialog.js';
import { runStakes } from './run-stakes.js';

export async function confirmRun(plan: Plan, inv: Inventory): Promise<boolean> {
  const s = runStakes(plan, inv);
  if (!s) return true;
  return confirmDialog({
    title: s.title,
    confirm: s.confirm,
    danger: true,
    typeName: s.typeName,
    body: [
      h('p', {}, plan.summary),
      h(
        'ul',
        { class: 'at-stake' },
        ...s.items.map((f) =>
          h(
            'li',
            {},
            `${f.verb} `,
            h('strong', {}, f.name),
            f.bytes !== undefined ? ` (${bytes(f.bytes)} on disk)` : '',
          ),
        ),
        ...s.notes.map((n) => h('li', {}, n)),
      ),
      h('p', {}, s.closing),
    ],
  });
}
