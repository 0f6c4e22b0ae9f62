// A running job: progress bar, current step and state, live from the job's event stream (SSE),
// with cancel. Every change is written to the job history, so a reload finds it.
import { h, fill } from '../dom.js';
import type { GatewayClient, JobStatus, PlanPreview } from './client.js';
import { followJob } from '../jobs/follow.js';
import { store, type JobRecord } from '../store.js';
import { showError, asVdiskError } from '../errors.js';
import type { App } from '../app.js';
import { FINAL_STATES } from '../../src/plan/job-lifecycle.js';

const ENDED = FINAL_STATES;
/** What a job's error reads as when it stopped because it was cancelled (the agent's or the engine's code). */
const CANCEL_CODES = new Set(['E_AGENT_CANCELLED', 'E_CANCELLED']);

/**
 * `ended` runs once the job has ended (the view refreshes the inventory it changed); `refused`
 * may take an error the gateway answered the start with (a stale plan) and answer true when handled.
 */
export function jobView(
  app: App,
  gw: GatewayClient,
  preview: PlanPreview,
  errors: HTMLElement,
  ended?: () => Promise<void>,
  refused?: (e: unknown) => boolean,
): HTMLElement {
  const bar = h('progress', { id: 'job-progress', max: 100, value: 0, 'aria-label': 'Job progress' });
  const state = h('p', { id: 'job-state', role: 'status' }, 'Starting…');
  const step = h('p', { id: 'job-step', class: 'muted' });
  const cancel = h('button', { type: 'button', id: 'job-cancel', disabled: true }, 'Cancel job');
  const outcome = h('p', { id: 'job-outcome' });
  const ac = new AbortController();
  let rec: JobRecord | undefined;
  let cancelRequested = false;

  const apply = async (s: Partial<JobStatus>) => {
    if (!rec) return;
    if (typeof s.progress === 'number') {
      rec.progress = s.progress;
      bar.value = s.progress * 100;
    }
    if (s.state) rec.state = s.state;
    if (typeof s.step === 'string') {
      rec.step = s.step;
      const label = preview.plan.steps.find((x) => x.id === s.step)?.label;
      fill(step, `Step ${s.step}${label ? `: ${label}` : ''}`);
    }
    if (s.error) rec.error = s.error;
    rec.updatedAt = Date.now();
    fill(state, `Job ${rec.id}: ${rec.state}, ${Math.round(rec.progress * 100)} %`);
    await store.saveJob({ ...rec });
  };

  const start = async () => {
    try {
      let id: string;
      try {
        ({ id } = await gw.run(preview.plan, crypto.randomUUID()));
      } catch (e) {
        if (refused?.(e)) return;
        throw e;
      }
      rec = {
        id,
        kind: preview.plan.kind,
        summary: preview.plan.summary,
        gateway: gw.base,
        state: 'queued',
        progress: 0,
        startedAt: Date.now(),
        updatedAt: Date.now(),
      };
      await apply({ state: 'queued' });
      cancel.disabled = false;
      app.announce(`Job ${id} started`);
      await followJob(gw, id, (s) => void apply(s), ac.signal);
      await apply(await gw.job(id)); // the final word, whatever the stream said last
      if (rec.state === 'done') bar.value = 100;
      // A cancel this page asked for is not an error: say what became of the job instead.
      const cancelled =
        cancelRequested &&
        (rec.state === 'cancelled' || (rec.state === 'rolled-back' && CANCEL_CODES.has(rec.error?.code ?? '')));
      if (cancelled) fill(outcome, 'Cancelled as asked: the agent stopped the job and rolled back what it had done.');
      else if (rec.error) showError(errors, { code: rec.error.code, message: rec.error.message });
      app.announce(cancelled ? `Job ${id} cancelled and rolled back` : `Job ${id} ${rec.state}`);
      await ended?.();
    } catch (e) {
      if (!ac.signal.aborted) showError(errors, asVdiskError(e));
    } finally {
      cancel.disabled = true;
      if (rec && !ENDED.has(rec.state)) await apply({ state: rec.state as JobStatus['state'] });
    }
  };
  cancel.addEventListener('click', async () => {
    if (!rec) return;
    cancel.disabled = true;
    cancelRequested = true;
    try {
      const s = await gw.cancel(rec.id);
      if (!ENDED.has(rec.state)) await apply(s);
      app.announce(`Cancelling job ${rec.id}`);
    } catch (e) {
      showError(errors, e);
    }
  });
  void start();
  return h(
    'section',
    { 'aria-labelledby': 'h-job', class: 'panel', id: 'job-panel' },
    h('h3', { id: 'h-job' }, `Running: ${preview.plan.summary}`),
    bar,
    state,
    step,
    cancel,
    outcome,
  );
}
