// Is a submitted plan the one the planner makes now? Canonical JSON of both, with the figures that
// drift by themselves set aside: each step's progress weight and the bytes of a pool-free check come
// from volumes' allocation, which a running guest grows every second. They are estimates the agent
// takes from its own plan (the one it runs), never parameters of a step: a copy re-checks free
// space when it runs.
import { canonicalJson } from './canonical.js';

/** Canonical JSON of a plan (parsed or raw) with its drifting estimates zeroed. */
export function comparablePlanJson(plan: unknown): string {
  return canonicalJson(withoutEstimates(plan));
}

function withoutEstimates(plan: unknown): unknown {
  if (plan === null || typeof plan !== 'object' || Array.isArray(plan)) return plan;
  const p = plan as Record<string, unknown>;
  const noBytes = (list: unknown) =>
    Array.isArray(list) ? list.map((c) => (isPoolFree(c) ? { ...c, bytes: 0 } : c)) : list;
  return {
    ...p,
    preconditions: noBytes(p.preconditions),
    postconditions: noBytes(p.postconditions),
    steps: Array.isArray(p.steps)
      ? p.steps.map((s) =>
          s !== null && typeof s === 'object' && !Array.isArray(s) && 'weight' in s ? { ...s, weight: 0 } : s,
        )
      : p.steps,
  };
}

const isPoolFree = (c: unknown): c is Record<string, unknown> =>
  c !== null && typeof c === 'object' && (c as { check?: unknown }).check === 'pool-free';
