// A table with sortable columns (PatternFly's table classes): each sortable header is a button that
// sorts by that column, ascending then descending, and says so in aria-sort. Rows are replaced with
// `set`; the sort stays, and so does focus on a row's control. An empty table shows an empty state
// instead of rows.
import { h, fill } from '../dom.js';
import { keepFocus } from './keep-focus.js';

type Cell = Node | string;
export interface Column<T> {
  label: string;
  cell: (row: T) => Cell;
  /** The value the column sorts by; no sort button when absent. */
  sort?: (row: T) => string | number;
}

export interface SortTable<T> {
  el: HTMLTableElement;
  set(rows: T[]): void;
  sortBy(label: string, dir?: 'ascending' | 'descending'): void;
}

/** `key` names each row (data-key), so tests and links can find it. */
export function sortTable<T>(
  id: string,
  caption: string,
  columns: Column<T>[],
  empty: string,
  key?: (row: T) => string,
): SortTable<T> {
  const body = h('tbody', { class: 'pf-v6-c-table__tbody' });
  let rows: T[] = [];
  let by = -1;
  let dir: 'ascending' | 'descending' = 'ascending';
  const heads = columns.map((c, i) => {
    // pf-m-wrap: a header wraps between words rather than being cut short with an ellipsis.
    const th = h('th', { scope: 'col', class: `pf-v6-c-table__th pf-m-wrap${c.sort ? ' pf-v6-c-table__sort' : ''}` });
    if (c.sort)
      fill(
        th,
        h(
          'button',
          {
            type: 'button',
            class: 'pf-v6-c-table__button sort',
            onclick: () => t.sortBy(c.label, by === i && dir === 'ascending' ? 'descending' : 'ascending'),
          },
          c.label,
          h('span', { class: 'sort-mark', 'aria-hidden': 'true' }),
        ),
      );
    else fill(th, c.label);
    return th;
  });
  const render = () => {
    heads.forEach((th, i) => {
      if (i === by) th.setAttribute('aria-sort', dir);
      else th.removeAttribute('aria-sort');
      th.classList.toggle('pf-m-selected', i === by);
      const mark = th.querySelector('.sort-mark');
      if (mark) mark.textContent = i === by ? (dir === 'ascending' ? ' ▲' : ' ▼') : ' ↕';
    });
    const by_ = columns[by]?.sort;
    const list = by_
      ? [...rows].sort((a, b) => {
          const x = by_(a),
            y = by_(b);
          const c = x < y ? -1 : x > y ? 1 : 0;
          return dir === 'ascending' ? c : -c;
        })
      : rows;
    if (!list.length) {
      fill(
        body,
        h(
          'tr',
          {},
          h(
            'td',
            { colspan: String(columns.length) },
            h('div', { class: 'pf-v6-c-empty-state pf-m-xs' }, h('p', { class: 'pf-v6-c-empty-state__body' }, empty)),
          ),
        ),
      );
      return;
    }
    fill(
      body,
      ...list.map((r) =>
        h(
          'tr',
          { class: 'pf-v6-c-table__tr', 'data-key': key?.(r) },
          ...columns.map((c) => h('td', { class: 'pf-v6-c-table__td', 'data-label': c.label }, c.cell(r))),
        ),
      ),
    );
  };
  const t: SortTable<T> = {
    el: h(
      'table',
      { id, class: 'pf-v6-c-table pf-m-compact pf-m-grid-md' },
      h('caption', { class: 'pf-v6-c-table__caption' }, caption),
      h('thead', { class: 'pf-v6-c-table__thead' }, h('tr', { class: 'pf-v6-c-table__tr' }, ...heads)),
      body,
    ),
    set(next) {
      rows = next;
      keepFocus(body, render); // a row's button keeps focus while live updates redraw the rows
    },
    sortBy(label, d = 'ascending') {
      by = columns.findIndex((c) => c.label === label);
      dir = d;
      render();
    },
  };
  render();
  return t;
}

/** A text filter for a toolbar: rows whose text (by `text`) contains what is typed, case-insensitive. */
export function matches(text: string, query: string): boolean {
  return text.toLowerCase().includes(query.trim().toLowerCase());
}
