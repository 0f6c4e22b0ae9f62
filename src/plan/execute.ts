// How any executor runs a plan (the simulator here, the host agent in production): steps in order,
// each once its dependencies succeeded; on failure the uncommitted units are compensated in reverse,
// committed units still finish, and cleanup failures become reported orphans with a retryable step.
import { ACTION_TRAITS } from './action-traits.js';
import type { ActionCall } from './actions.js';
import type { Plan, Step } from './plan-schema.js';

export type StepRunner = (call: ActionCall, ctx: { step: Step; undo: boolean }) => Promise<void> | void;

export interface StepFailure {
  step: string;
  unit: string;
  action: string;
  code: string;
  message: string;
}
export interface Orphan {
  /** The file left behind (when the step that should have removed it names one). */
  path?: string;
  /** Run this to clean up. */
  cleanup: ActionCall;
  reason: string;
  /** Left by a compensation that stopped: such cleanups must run in the order given. */
  fromUndo?: boolean;
}
export type UnitOutcome = 'done' | 'rolled-back' | 'stuck' | 'not-started';

export interface RunReport {
  outcome: 'done' | 'done-with-orphans' | 'rolled-back' | 'partial';
  failure?: StepFailure;
  units: Record<string, UnitOutcome>;
  completed: string[];
  orphans: Orphan[];
  /** Commit steps of stuck units, to run again (e.g. an inventory switch after a pivot). */
  retry: ActionCall[];
  /** Progress, 0..1, by step weight. */
  progress: number;
}

export async function runPlan(plan: Plan, run: StepRunner, onProgress?: (p: number) => void): Promise<RunReport> {
  const total = plan.steps.reduce((n, s) => n + s.weight, 0) || 1;
  const ok = new Set<string>();
  const completed: Step[] = [];
  const committed = new Set<string>();
  const stuck = new Set<string>();
  const started = new Set<string>();
  const orphans: Orphan[] = [];
  const retry: ActionCall[] = [];
  let failure: StepFailure | undefined;
  let done = 0;

  for (const step of plan.steps) {
    const mayRun = !failure || committed.has(step.unit);
    if (!mayRun || stuck.has(step.unit)) {
      if (stuck.has(step.unit) && step.phase === 'commit') retry.push(callOf(step));
      if (mayRun && step.phase === 'cleanup') orphans.push(orphanOf(step, 'not run: its unit is stuck'));
      continue;
    }
    if (!step.after.every((d) => ok.has(d))) {
      if (step.phase === 'cleanup') orphans.push(orphanOf(step, 'not run: a step it waits for failed'));
      else if (step.phase === 'commit' && committed.has(step.unit)) {
        stuck.add(step.unit);
        retry.push(callOf(step));
      }
      continue;
    }
    started.add(step.unit);
    try {
      await run(callOf(step), { step, undo: false });
      ok.add(step.id);
      completed.push(step);
      if (step.phase === 'commit') committed.add(step.unit);
      done += step.weight;
      onProgress?.(done / total);
    } catch (e) {
      const err = describe(e);
      if (step.phase === 'cleanup') {
        orphans.push(orphanOf(step, err.message));
        continue;
      }
      if (step.phase === 'commit' && committed.has(step.unit)) {
        stuck.add(step.unit);
        retry.push(callOf(step));
        continue;
      }
      failure = { step: step.id, unit: step.unit, action: step.action, ...err };
      const own = ACTION_TRAITS[step.action].atomic ? [] : [step];
      const toUndo = [...own, ...completed.filter((s) => !committed.has(s.unit)).reverse()];
      await compensate(toUndo, run, orphans);
    }
  }
  const units: Record<string, UnitOutcome> = {};
  for (const s of plan.steps) {
    units[s.unit] = stuck.has(s.unit)
      ? 'stuck'
      : committed.has(s.unit) || (!failure && started.has(s.unit))
        ? 'done'
        : started.has(s.unit)
          ? 'rolled-back'
          : 'not-started';
  }
  const anyCommitted = Object.values(units).some((u) => u === 'done' || u === 'stuck');
  const outcome =
    failure || stuck.size ? (anyCommitted ? 'partial' : 'rolled-back') : orphans.length ? 'done-with-orphans' : 'done';
  return {
    outcome,
    ...(failure ? { failure } : {}),
    units,
    completed: completed.map((s) => s.id),
    orphans,
    retry,
    progress: done / total,
  };
}

/** Compensation runs in reverse as one sequence: once a call fails, what follows may be unsafe
 * (deleting a file QEMU still has open), so the rest is reported as orphans instead of run. */
async function compensate(steps: Step[], run: StepRunner, orphans: Orphan[]): Promise<void> {
  let failed: string | null = null;
  for (const step of steps) {
    for (const call of step.undo) {
      if (failed === null) {
        try {
          await run(call, { step, undo: true });
          continue;
        } catch (e) {
          failed = describe(e).message;
        }
      }
      orphans.push({ ...pathOf(call), cleanup: call, reason: `not undone: ${failed}`, fromUndo: true });
    }
  }
}

const callOf = (s: Step): ActionCall => ({ action: s.action, params: s.params }) as ActionCall;
const orphanOf = (s: Step, reason: string): Orphan => ({ ...pathOf(callOf(s)), cleanup: callOf(s), reason });

function pathOf(call: ActionCall): { path?: string } {
  if (call.action === 'delete-file' || call.action === 'delete-volume') return { path: call.params.path };
  return {};
}

function describe(e: unknown): { code: string; message: string } {
  const x = e as { code?: unknown; message?: unknown };
  return {
    code: typeof x?.code === 'string' ? x.code : 'E_PLAN_STEP_FAILED',
    message: typeof x?.message === 'string' ? x.message : String(e),
  };
}
