// What is left to do after a run that did not finish cleanly, as a plan of its own: the cleanup of
// every reported orphan (e.g. a source delete that failed) and the commit steps of stuck units
// (e.g. the inventory switch after a pivot). Pure: the caller runs it like any other plan.
import type { ActionCall } from './actions.js';
import type { Condition } from './conditions.js';
import type { RunReport } from './execute.js';
import type { Plan, Step } from './plan-schema.js';
import { ACTION_TRAITS } from './action-traits.js';

export function retryPlan(plan: Plan, report: Pick<RunReport, 'orphans' | 'retry'>): Plan {
  const steps: Step[] = [];
  const add = (call: ActionCall, phase: Step['phase'], label: string, after: string[]): string => {
    const id = `r${steps.length + 1}`;
    steps.push({
      ...call,
      id,
      label,
      after,
      unit: 'all',
      phase,
      undo: [],
      weight: ACTION_TRAITS[call.action].weight,
    } as Step);
    return id;
  };
  // Stuck commit steps first and in order (each finishes what the one before it started).
  let previous: string[] = [];
  for (const call of report.retry)
    previous = [add(call, 'commit', `retry ${call.action} of plan ${plan.id}`, previous)];
  // Cleanup steps are independent and wait for the commits, as in the plan; leftovers of a stopped
  // compensation keep their order (a file is deleted only once QEMU has closed it).
  let undone: string | undefined;
  for (const o of report.orphans) {
    const after = o.fromUndo && undone ? [...previous, undone] : previous;
    const id = add(
      o.cleanup,
      'cleanup',
      `clean up after plan ${plan.id}: ${o.cleanup.action}${o.path ? ` ${o.path}` : ''}`,
      after,
    );
    if (o.fromUndo) undone = id;
  }
  const gone = report.orphans.flatMap((o): Condition[] =>
    o.cleanup.action === 'delete-file' || o.cleanup.action === 'delete-volume'
      ? [{ check: 'file-absent', path: o.cleanup.params.path }]
      : [],
  );
  return {
    ...plan,
    id: `${plan.id}-retry`,
    summary: `finish plan ${plan.id}: ${report.retry.length} stuck step(s) to retry, ${report.orphans.length} orphan(s) to clean up`,
    preconditions: [],
    steps,
    postconditions: gone,
    retry: 'what this plan leaves is reported the same way: make its retry plan',
  };
}
