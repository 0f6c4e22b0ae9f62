// History: jobs run from this browser (kept in IndexedDB, so a reload finds them), with their last
// known state, and the gateways connected to. Refreshes whenever the view is shown.
import { h, fill } from '../dom.js';
import { when } from '../format.js';
import { store } from '../store.js';
import { confirmDialog } from '../ui/dialog.js';

export interface HistoryView {
  refresh(): Promise<void>;
}

export function historyView(root: HTMLElement): HistoryView {
  const jobs = h('tbody', { id: 'history-jobs' });
  const conns = h('ul', { id: 'history-connections' });
  const view: HistoryView = {
    async refresh() {
      const list = await store.jobs();
      fill(
        jobs,
        ...(list.length
          ? list.map((j) =>
              h(
                'tr',
                {},
                h('td', {}, h('code', {}, j.id)),
                h('td', {}, j.kind),
                h('td', {}, j.summary),
                h('td', {}, j.state + (j.error ? ` (${j.error.code})` : '')),
                h('td', {}, `${Math.round(j.progress * 100)} %`),
                h('td', {}, when(j.updatedAt)),
              ),
            )
          : [h('tr', {}, h('td', { colspan: '6' }, 'No jobs yet.'))]),
      );
      const cs = await store.connections();
      fill(
        conns,
        ...(cs.length
          ? cs.map((c) => h('li', {}, `${c.url} — ${c.agents?.join(', ') ?? ''}, last used ${when(c.at)}`))
          : [h('li', {}, 'No gateways yet.')]),
      );
    },
  };
  fill(
    root,
    h('h2', { id: 'h-history', tabindex: '-1' }, 'History'),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'h-jobs' },
      h('h3', { id: 'h-jobs' }, 'Jobs'),
      h(
        'table',
        {},
        h('caption', {}, 'Jobs started from this browser, newest first'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Job', 'Kind', 'What', 'State', 'Progress', 'Updated'].map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        jobs,
      ),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'h-conns' },
      h('h3', { id: 'h-conns' }, 'Gateway connections'),
      conns,
    ),
    h(
      'button',
      {
        type: 'button',
        id: 'history-clear',
        class: 'pf-v6-c-button pf-m-danger',
        onclick: async () => {
          const [jobs, conns, images] = [
            (await store.jobs()).length,
            (await store.connections()).length,
            (await store.recentImages()).length,
          ];
          const ok = await confirmDialog({
            title: 'Clear the history?',
            confirm: 'Clear history',
            danger: true,
            body: [
              h(
                'p',
                {},
                `This browser forgets ${jobs} job record(s), ${conns} gateway connection(s) and ${images} recent image(s). Jobs on the agents and files are not touched.`,
              ),
            ],
          });
          if (!ok) return;
          await store.clear();
          await view.refresh();
        },
      },
      'Clear history',
    ),
  );
  return view;
}
