// What `check -r` changes in the refcounts, as QEMU's compare_refcounts decides it with a fix mode
// (block/qcow2-refcount.c): per host cluster, a stored refcount above the computed one is a leak
// (fixed by -r leaks and -r all), a non-zero one below it a corruption (fixed by -r all only); a zero
// one below it cannot be patched: the refcount structure is rebuilt (-r all) or the repair fails.
import type { CheckDetail } from '../read/check.js';

export const UNREADABLE = 0xffffffff; // assembly/qcow2/check/state.ts ERR
const SATURATED = 0xfffffffe; // state.ts SAT: the true value is not known

export interface RefcountFix {
  cluster: number;
  from: number;
  to: number;
}

export interface RefcountPlan {
  /** Refcounts raised (corruptions fixed): written first, before anything starts relying on them. */
  raise: RefcountFix[];
  /** Refcounts lowered (leaks fixed): written last, once nothing points at what they free. */
  lower: RefcountFix[];
  /** compare_refcounts' findings left as they are. */
  corruptions: number;
  leaks: number;
}

export function planRefcounts(d: CheckDetail, fixErrors: boolean): RefcountPlan {
  const plan: RefcountPlan = { raise: [], lower: [], corruptions: 0, leaks: 0 };
  const { expected, stored } = d;
  for (let k = 0; k < stored.length; k++) {
    const s = stored[k]!;
    const c = expected[k]!;
    if (s === c || s === UNREADABLE) continue;
    if (s === SATURATED || c === SATURATED) {
      if (s < c) plan.corruptions++;
      else plan.leaks++;
      continue;
    }
    if (s > c) plan.lower.push({ cluster: k, from: s, to: c });
    else if (fixErrors && s !== 0) plan.raise.push({ cluster: k, from: s, to: c });
    else plan.corruptions++;
  }
  for (const [k] of d.extra) if (k === stored.length) plan.corruptions++;
  return plan;
}

/** The stored refcount of cluster k once the plan is applied (undefined: unreadable). */
export function refcountAfter(d: CheckDetail, plan: RefcountPlan): (k: number) => number | undefined {
  const fixed = new Map<number, number>();
  for (const f of plan.raise) fixed.set(f.cluster, f.to);
  for (const f of plan.lower) fixed.set(f.cluster, f.to);
  return (k) => {
    if (k >= d.stored.length) return 0; // past the end of the file: refcount blocks read as zeros there
    const v = fixed.get(k) ?? d.stored[k]!;
    return v === UNREADABLE ? undefined : v;
  };
}
