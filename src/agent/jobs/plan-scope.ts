// What a plan holds while it runs: its VMs, the volumes it names and the files it touches. Read
// generically from every step's and undo call's parameters, so a new action cannot slip past.
import type { ActionCall } from '../../plan/actions.js';
import type { Plan } from '../../plan/plan-schema.js';

const VOLUME_KEYS = new Set(['volume', 'source', 'target', 'top', 'base', 'from', 'backing']);

export interface PlanScope {
  vms: string[];
  volumes: string[];
  paths: string[];
}

export function planCalls(plan: Plan): ActionCall[] {
  return plan.steps.flatMap((s) => [{ action: s.action, params: s.params } as ActionCall, ...s.undo]);
}

export function planScope(plan: Plan): PlanScope {
  const vms = new Set<string>();
  const volumes = new Set<string>();
  const paths = new Set<string>();
  const req = plan.request as { vm?: unknown; volume?: unknown };
  if (typeof req.vm === 'string') vms.add(req.vm);
  if (typeof req.volume === 'string') volumes.add(req.volume);
  const walk = (value: unknown, live: boolean): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v, live);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const o = value as Record<string, unknown>;
    if (typeof o.id === 'string' && typeof o.path === 'string' && typeof o.pool === 'string') volumes.add(o.id); // a Volume record
    for (const [k, v] of Object.entries(o)) {
      if (k === 'vm' && typeof v === 'string') vms.add(v);
      else if (/path$/i.test(k) && typeof v === 'string') paths.add(v);
      else if (!live && VOLUME_KEYS.has(k) && typeof v === 'string') volumes.add(v);
      else walk(v, live);
    }
  };
  // In QMP calls `target`, `top`, `base` and `backing` are node names, not volumes.
  for (const c of planCalls(plan)) walk(c.params, c.action.startsWith('qmp-'));
  return { vms: [...vms], volumes: [...volumes], paths: [...paths] };
}

/** The files the steps after `index` touch: what a job still holds once its data is switched. */
export function filesAfter(plan: Plan, index: number): PlanScope {
  const rest = { ...plan, request: {}, steps: plan.steps.slice(index + 1) } as unknown as Plan;
  return { vms: [], volumes: [], paths: planScope(rest).paths };
}

/** Index of the last step before which every later step is cleanup (-1 when the plan never switches). */
export function switchIndex(plan: Plan): number {
  let last = -1;
  plan.steps.forEach((s, i) => {
    if (s.phase !== 'cleanup') last = i;
  });
  return last >= 0 && plan.steps[last]!.phase === 'commit' && last < plan.steps.length - 1 ? last : -1;
}
