// Running one job's plan with the agent's StepRunner: progress by step weight, a `step` event and log
// line per call (not for calls replayed from the journal), the switch to cleanup once the plan's last
// commit step lands, and the final state. The JobManager (jobs.ts) owns what happens at the switch
// and at the end (busy table, journal, compaction).
import { runPlan } from '../../plan/execute.js';
import type { Step } from '../../plan/plan-schema.js';
import type { AgentContext } from '../context.js';
import { publicStepError } from '../public-error.js';
import { containCall, ownerPolicy } from '../storage/containment.js';
import type { Job } from './job.js';
import { finalState } from './job-state.js';
import type { StepError } from './journal.js';
import { switchIndex } from './plan-scope.js';
import { progressWorthSaying, type SaidProgress } from './progress-worth.js';
import { agentRunner, describe } from './step-runner.js';

export type Replay = Map<string, { ok: boolean; error?: StepError }>;
export interface RunHooks {
  /** The data is switched: the step at `index` (the last commit) landed, only cleanup remains. */
  switched(job: Job, index: number): void;
  finish(job: Job, state: ReturnType<typeof finalState>): void;
}

export async function runJob(
  ctx: AgentContext,
  job: Job,
  replay: Replay,
  inFlight: Set<string>,
  hooks: RunHooks,
): Promise<void> {
  const total = job.plan.steps.reduce((n, s) => n + s.weight, 0) || 1;
  let done = 0;
  let said: SaidProgress | undefined;
  const setProgress = (p: number, stepProgress?: number) => {
    job.progress = Math.min(1, p);
    job.touch();
    if (!progressWorthSaying(said, job.progress, job.step, stepProgress)) return;
    said = { progress: job.progress, step: job.step, stepProgress };
    job.events.emit('progress', {
      progress: job.progress,
      step: job.step,
      ...(stepProgress !== undefined ? { stepProgress } : {}),
    });
  };
  job.moveTo(job.cancelRequested ? 'cancelling' : 'running');
  const switchAt = switchIndex(job.plan);
  let failed = false;
  if (switchAt >= 0 && replay.get(job.plan.steps[switchAt]!.id)?.ok) hooks.switched(job, switchAt); // switched before a restart
  const owners = ownerPolicy(job.plan, ctx.store.data, ctx.allowOwnerRoot);
  const runner = agentRunner(ctx, {
    jobId: job.id,
    replay,
    inFlight,
    signal: job.abort.signal,
    onCall: ({ key, step, call, undo, phase, error }) => {
      if (phase === 'start') job.step = key;
      if (phase === 'end' && !undo && !error) done += step.weight;
      if (!replay.has(key)) {
        job.events.emit('step', {
          call: key,
          step: step.id,
          label: step.label,
          action: call.action,
          undo,
          phase,
          ...(error ? { error } : {}),
        });
        ctx.log(`step-${phase}`, { job: job.id, call: key, action: call.action, undo, ...(error ? { error } : {}) });
      }
      if (phase === 'end' && !undo) setProgress(done / total);
      if (phase === 'end' && error && step.phase !== 'cleanup') failed = true;
      if (phase === 'end' && !undo && !error && !failed && step.id === job.plan.steps[switchAt]?.id)
        hooks.switched(job, switchAt);
    },
    onProgress: (step: Step, f: number) => setProgress((done + step.weight * f) / total, f),
    contain: (call) => containCall(call, { roots: ctx.roots, world: ctx.store.data, owners, strict: false }),
  });
  try {
    const report = await runPlan(job.plan, runner);
    job.report = report;
    if (report.failure) job.error = { code: report.failure.code, message: report.failure.message };
    hooks.finish(job, finalState(report, job.cancelRequested));
  } catch (e) {
    ctx.log('job-error', { job: job.id, ...describe(e) });
    job.error = publicStepError(e, ctx.roots);
    hooks.finish(job, 'failed');
  }
}
