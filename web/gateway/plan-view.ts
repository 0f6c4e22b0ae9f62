// A previewed plan as a person reads it: the summary, what is created, renamed, switched, deleted
// and wiped (each `pool:file` with its size), the space needed per pool, the bytes to copy, the
// steps with their undo; the raw plan (text and JSON) only behind a "Details" disclosure. `changes` lists what
// differs from an earlier plan (a stale plan's replacement).
import { h } from '../dom.js';
import { bytes } from '../format.js';
import type { Inventory } from '../../src/plan/inventory.js';
import type { PlanPreview } from './client.js';
import { planWords, type FileAtStake, type PlanWords } from './plan-words.js';

const files = (list: FileAtStake[]) =>
  list.map((f) => `${f.name}${f.bytes !== undefined ? ` (${bytes(f.bytes)})` : ''}`);

/** The plan's effects as sentences, one per line (also what a stale plan's diff compares). */
export function effectLines(w: PlanWords): string[] {
  return [
    ...files(w.created).map((f) => `Creates ${f}`),
    ...w.renamed.map(
      (r) =>
        `Renames into pool ${r.pool} (no data copied): ${r.from} → ${r.to}${r.bytes !== undefined ? ` (${bytes(r.bytes)})` : ''}`,
    ),
    ...w.switched.map((s) => `Switches: ${s}`),
    ...files(w.deleted).map((f) => `Deletes ${f}`),
    ...files(w.wiped).map((f) => `Wipes and deletes ${f}`),
    ...Object.entries(w.space).map(([p, n]) => `Needs ${bytes(n)} free in pool ${p}`),
    ...(w.renamed.length && !Object.keys(w.space).length
      ? ['Needs no free space: the same files take new names; if it fails, the undo renames them back']
      : []),
    ...(w.renamed.length && !w.deleted.length && !w.wiped.length ? ['Deletes nothing'] : []),
    ...(w.copyBytes ? [`Copies ${bytes(w.copyBytes)} of data`] : []),
  ];
}

export function planView(
  preview: PlanPreview,
  inv: Inventory,
  changes?: { added: string[]; removed: string[] },
): HTMLElement {
  const w = planWords(preview.plan, inv);
  return h(
    'div',
    { id: 'plan-words' },
    h(
      'p',
      { id: 'plan-summary' },
      h('strong', {}, preview.plan.summary),
      ` — runs on agent ${preview.agent}${preview.plan.live ? ', while the VM runs' : ''}.`,
    ),
    changes
      ? h(
          'div',
          { class: 'pf-v6-c-alert pf-m-warning pf-m-inline', id: 'plan-changed' },
          h(
            'p',
            { class: 'pf-v6-c-alert__title' },
            'The facts changed since the preview; this is the new plan. What changed:',
          ),
          h(
            'ul',
            { class: 'pf-v6-c-alert__description' },
            ...changes.removed.map((l) => h('li', {}, `no longer: ${l}`)),
            ...changes.added.map((l) => h('li', {}, `now: ${l}`)),
            !changes.added.length && !changes.removed.length
              ? h('li', {}, 'the same effects; the steps or their details differ (see Details)')
              : null,
          ),
        )
      : null,
    h('ul', { id: 'plan-effects', class: 'effects' }, ...effectLines(w).map((l) => h('li', {}, l))),
    h('h4', {}, 'Steps'),
    h(
      'ol',
      { id: 'plan-steps', class: 'steps' },
      ...w.steps.map((s) =>
        h(
          'li',
          {},
          s.label,
          h('span', { class: 'muted' }, ` (${s.phase})`),
          s.undo.length ? h('div', { class: 'muted small' }, `If it fails: ${s.undo.join('; ')}`) : null,
        ),
      ),
    ),
    h(
      'details',
      { class: 'raw' },
      h('summary', {}, 'Details: the plan as text and JSON'),
      h('pre', { id: 'plan-text', tabindex: '0', 'aria-label': 'The plan as text' }, preview.text),
      h(
        'pre',
        { id: 'plan-json', tabindex: '0', 'aria-label': 'The plan as JSON' },
        JSON.stringify(preview.plan, null, 2),
      ),
    ),
  );
}

export function planChanges(before: PlanWords, after: PlanWords): { added: string[]; removed: string[] } {
  const a = effectLines(before),
    b = effectLines(after);
  return { added: b.filter((l) => !a.includes(l)), removed: a.filter((l) => !b.includes(l)) };
}
