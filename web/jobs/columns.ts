// The jobs table's columns: what, state, progress, throughput, time left, current step, who started
// it, agent, when, and the actions a job allows (cancel while it runs; retry when it left orphans or
// stuck cleanup steps).
import { h } from '../dom.js';
import { rate, when } from '../format.js';
import type { Column } from '../ui/table.js';
import type { JobStatus } from '../gateway/client.js';
import { duration, type Estimate } from './rate.js';

export const ENDED = new Set(['done', 'failed', 'rolled-back', 'cancelled']);
const STATE_CLASS: Record<string, string> = {
  done: 'pf-m-green',
  failed: 'pf-m-red',
  'rolled-back': 'pf-m-orange',
  cancelled: 'pf-m-grey',
  cancelling: 'pf-m-orange',
  cleanup: 'pf-m-blue',
  running: 'pf-m-blue',
  queued: 'pf-m-grey',
};

export interface JobRow {
  job: JobStatus;
  est: Estimate;
  orphans: string[];
  what: string;
}
export interface RowActions {
  cancel(j: JobStatus): void;
  retry(r: JobRow): void;
}

export function retryable(j: JobStatus): boolean {
  const r = (j as { report?: { orphans?: unknown[]; retry?: unknown[] } }).report;
  return ENDED.has(j.state) && ((r?.orphans?.length ?? 0) > 0 || (r?.retry?.length ?? 0) > 0);
}

export function jobColumns(a: RowActions): Column<JobRow>[] {
  return [
    {
      label: 'Job',
      sort: (r) => r.job.id,
      cell: (r) => h('div', {}, h('div', {}, r.what), h('code', { class: 'muted small' }, r.job.id)),
    },
    {
      label: 'State',
      sort: (r) => r.job.state,
      cell: (r) =>
        h(
          'span',
          { class: `pf-v6-c-label pf-m-compact ${STATE_CLASS[r.job.state] ?? ''}`, 'data-state': r.job.state },
          h('span', { class: 'pf-v6-c-label__content' }, r.job.state),
        ),
    },
    {
      label: 'Progress',
      sort: (r) => r.job.progress,
      cell: (r) =>
        h(
          'div',
          { class: 'progress-cell' },
          h('progress', { max: 100, value: Math.round(r.job.progress * 100), 'aria-label': `Progress of ${r.job.id}` }),
          ` ${Math.round(r.job.progress * 100)} %`,
        ),
    },
    {
      label: 'Throughput',
      cell: (r) => (!ENDED.has(r.job.state) && r.est.bytesPerSecond ? `≈ ${rate(r.est.bytesPerSecond)}` : '—'),
    },
    {
      label: 'Time left',
      cell: (r) => (!ENDED.has(r.job.state) && r.est.secondsLeft !== undefined ? duration(r.est.secondsLeft) : '—'),
    },
    {
      label: 'Step',
      cell: (r) =>
        ENDED.has(r.job.state)
          ? r.job.error
            ? h('span', {}, h('code', {}, r.job.error.code), ' ', r.job.error.message)
            : '—'
          : (r.job.step ?? '—'),
    },
    { label: 'Started by', sort: (r) => String(r.job.startedBy ?? ''), cell: (r) => String(r.job.startedBy ?? '—') },
    { label: 'Agent', sort: (r) => r.job.agent ?? '', cell: (r) => r.job.agent ?? '—' },
    {
      label: 'Created',
      sort: (r) => r.job.createdAt,
      cell: (r) => h('time', { datetime: r.job.createdAt }, when(r.job.createdAt)),
    },
    {
      label: 'Actions',
      cell: (r) =>
        h(
          'div',
          { class: 'row-actions' },
          !ENDED.has(r.job.state) && r.job.state !== 'cancelling'
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'pf-v6-c-button pf-m-secondary pf-m-small',
                  'aria-label': `Cancel job ${r.job.id}`,
                  onclick: () => a.cancel(r.job),
                },
                'Cancel',
              )
            : null,
          retryable(r.job)
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'pf-v6-c-button pf-m-secondary pf-m-small',
                  'aria-label': `Retry cleanup of job ${r.job.id}`,
                  onclick: () => a.retry(r),
                },
                'Retry cleanup',
              )
            : null,
          r.orphans.length ? h('span', { class: 'muted small' }, `left: ${r.orphans.join(', ')}`) : null,
        ),
    },
  ];
}
