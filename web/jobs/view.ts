// The Jobs view: every job on every agent (GET /v1/jobs, paged by the gateway with one cursor per
// agent; "Load more" follows `next`; the page size, per agent, is chosen in the toolbar), filtered by
// state, agent, volume and VM, sortable. Running jobs
// are followed live over SSE (reattached with Last-Event-ID after a reload) for progress, throughput,
// time left and step; cancel, and retry of orphans and stuck cleanup steps with a confirmation that
// names the files.
import { h, fill, field } from '../dom.js';
import type { App } from '../app.js';
import { connection, type Connection } from '../gateway/connection.js';
import type { JobStatus } from '../gateway/client.js';
import { errorBox, showError, clearError } from '../errors.js';
import { sortTable } from '../ui/table.js';
import { confirmDialog } from '../ui/dialog.js';
import { volumeName } from '../names.js';
import { jobColumns, ENDED, type JobRow } from './columns.js';
import { addSample, estimate, type Sample } from './rate.js';
import { followJob } from './follow.js';
import { jobFilters, jobMatches, jobWhat, type JobFilter } from './filters.js';

/** How many jobs of each agent a page holds (the gateway's `limit`). */
const PAGE_SIZES = [10, 20, 50, 100] as const;

export interface JobsView {
  refresh(): Promise<void>;
}

export function jobsView(app: App, root: HTMLElement): JobsView {
  const errors = errorBox('jobs-error');
  const jobs = new Map<string, JobStatus>();
  const samples = new Map<string, Sample[]>();
  const live = new Map<string, AbortController>();
  let next: string | null = null;
  let perPage: number = PAGE_SIZES[2];
  let conn: Connection | undefined;
  let filter: JobFilter = {};
  const more = h(
    'button',
    {
      type: 'button',
      id: 'jobs-more',
      class: 'pf-v6-c-button pf-m-secondary',
      hidden: true,
      onclick: () => void load(next ?? undefined),
    },
    'Load more',
  );
  const pageSize = h(
    'select',
    {
      id: 'jobs-per-page',
      onchange: () => {
        perPage = Number(pageSize.value);
        void load();
      },
    },
    ...PAGE_SIZES.map((n) => h('option', { value: String(n), selected: n === perPage }, String(n))),
  );
  const note = h('p', { id: 'jobs-note', class: 'muted' });
  const filterBox = h('div', { class: 'pf-v6-c-toolbar__content-section toolbar', id: 'jobs-filters' });

  const bytesOf = (j: JobStatus) => {
    const vol =
      j.request && 'volume' in j.request
        ? conn?.inventory.inventory.volumes.find((v) => v.id === (j.request as { volume: string }).volume)
        : undefined;
    return vol?.allocated;
  };
  const orphansOf = (j: JobStatus) =>
    ((j as { report?: { orphans?: { path?: string }[] } }).report?.orphans ?? []).map((o) => pathName(o.path));
  const pathName = (p?: string) => {
    const pool = conn?.inventory.inventory.pools.find((x) => p?.startsWith(`${x.root.replace(/\/$/, '')}/`));
    return p ? (pool ? volumeName({ pool: pool.id, path: p }) : p.slice(p.lastIndexOf('/') + 1)) : '(no file)';
  };
  const row = (j: JobStatus): JobRow => ({
    job: j,
    est: estimate(samples.get(j.id) ?? [], bytesOf(j)),
    orphans: orphansOf(j),
    what: jobWhat(j, conn?.inventory.inventory),
  });
  const table = sortTable<JobRow>(
    'jobs-table',
    'Jobs on every agent, newest first',
    jobColumns({ cancel: (j) => void cancel(j), retry: (r) => void retry(r) }),
    'No jobs match.',
    (r) => r.job.id,
  );
  const render = () => {
    const list = [...jobs.values()].filter((j) => jobMatches(j, filter));
    table.set(list.map(row));
    root.dataset.jobs = String(list.length);
  };

  const track = (j: JobStatus) => {
    jobs.set(j.id, j);
    samples.set(j.id, addSample(samples.get(j.id) ?? [], { t: Date.now(), progress: j.progress }));
    if (ENDED.has(j.state) || live.has(j.id) || !conn) return;
    const ac = new AbortController();
    live.set(j.id, ac);
    const gw = conn.gw;
    followJob(
      gw,
      j.id,
      (s) => {
        const cur = jobs.get(j.id);
        if (cur) {
          track({ ...cur, ...s } as JobStatus);
          render();
        }
      },
      ac.signal,
    )
      .then(async () => {
        track(await gw.job(j.id));
        render();
        if (!ac.signal.aborted) await connection.refresh().catch(() => undefined);
      })
      .catch((e) => {
        if (!ac.signal.aborted) showError(errors, e);
      })
      .finally(() => live.delete(j.id));
  };
  const load = async (cursor?: string) => {
    if (!conn) return;
    clearError(errors);
    try {
      const page = await conn.gw.jobs(cursor, perPage);
      if (!cursor) jobs.clear();
      for (const j of page.jobs) track(j as JobStatus);
      next = page.next;
      more.hidden = !next;
      const down = page.agents.filter((a) => !a.up).map((a) => a.name);
      fill(
        note,
        down.length
          ? `Agent ${down.join(', ')} did not answer; its jobs are missing.`
          : `${jobs.size} job(s) from ${page.agents.length} agent(s).`,
      );
      render();
    } catch (e) {
      showError(errors, e);
    }
  };
  const cancel = async (j: JobStatus) => {
    if (!conn) return;
    try {
      track(await conn.gw.cancel(j.id));
      render();
      app.announce(`Cancelling job ${j.id}`);
    } catch (e) {
      showError(errors, e);
    }
  };
  const retry = async (r: JobRow) => {
    if (!conn) return;
    const ok = await confirmDialog({
      title: 'Retry the cleanup?',
      confirm: 'Retry cleanup',
      danger: true,
      body: [
        h('p', {}, `Job ${r.job.id} left work undone. Retrying runs it again on agent ${r.job.agent}:`),
        h(
          'ul',
          {},
          ...(r.orphans.length
            ? r.orphans.map((o) => h('li', {}, `delete ${o}`))
            : [h('li', {}, 'its stuck commit steps')]),
        ),
      ],
    });
    if (!ok) return;
    try {
      const { id } = await conn.gw.retry(r.job.id, crypto.randomUUID());
      app.announce(`Retry job ${id} started`);
      await load();
    } catch (e) {
      showError(errors, e);
    }
  };

  const show = (c: Connection | undefined) => {
    const changed = c?.gw !== conn?.gw;
    conn = c;
    if (!c) {
      fill(
        body,
        h(
          'div',
          { class: 'pf-v6-c-empty-state', id: 'jobs-empty' },
          h('h3', { class: 'pf-v6-c-empty-state__title-text' }, 'Not connected'),
          h(
            'p',
            { class: 'pf-v6-c-empty-state__body' },
            'Connect to a gateway on the ',
            h('a', { href: '#gateway' }, 'Gateway'),
            ' view to see its jobs.',
          ),
        ),
      );
      return;
    }
    fill(
      filterBox,
      ...jobFilters(c.inventory, filter, (f) => {
        filter = f;
        render();
      }).map((x) => field(x.label, x.control)),
    );
    fill(
      body,
      h(
        'div',
        { class: 'pf-v6-c-toolbar', role: 'group', 'aria-label': 'Job filters' },
        filterBox,
        h(
          'div',
          { class: 'toolbar-actions toolbar' },
          field('Jobs per agent and page', pageSize),
          h(
            'button',
            { type: 'button', id: 'jobs-refresh', class: 'pf-v6-c-button pf-m-secondary', onclick: () => void load() },
            'Refresh',
          ),
        ),
      ),
      note,
      h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Jobs table' }, table.el),
      more,
    );
    if (changed) {
      for (const ac of live.values()) ac.abort();
      live.clear();
      void load();
    }
  };
  const body = h('div', { id: 'jobs-body' });
  fill(root, h('h2', { id: 'h-jobs-view', tabindex: '-1' }, 'Jobs'), errors, body);
  connection.subscribe(show);
  show(connection.get());
  return { refresh: () => load() };
}
