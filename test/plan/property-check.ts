// The invariant property, run per plan kind: random world, random request; a refused request gets
// a known stable code (and is replaced by another case); each of the RUNS planned ones is simulated
// cleanly and then with a fault at every step, and no run may lose guest data, leave unknown files
// unreported, pivot before ready, or hide a failure.
import fc from 'fast-check';
import { expect } from 'vitest';
import { knownCodes } from '../../src/errors/codes.js';
import { isVdiskError } from '../../src/errors/vdisk-error.js';
import { counterIds } from '../../src/plan/ids.js';
import { parseInventory, planRequest } from '../../src/plan/plan.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import { simulatePlan } from '../../src/plan/sim/simulate.js';
import { buildWorld, type REQUEST_KINDS, requestFor, worldShape } from './arbitraries.js';

export const RUNS = 1000;
/** Fixed so a run is reproducible and bounded in time; set VDISK_PLAN_SEED to explore other cases. */
export const SEED = Number(process.env.VDISK_PLAN_SEED ?? 5005);

/** What a run covered: RUNS planned cases (refused ones are checked, then skipped and replaced). */
export interface Coverage {
  planned: number;
  refused: number;
  live: number;
  offline: number;
  faults: number;
  codes: Set<string>;
  /** Planned cases per step action: which kinds of step the faults were injected into. */
  actions: Map<string, number>;
}

export async function checkInvariants(kind: keyof typeof REQUEST_KINDS): Promise<Coverage> {
  let planned = 0;
  let faults = 0;
  let live = 0;
  let refused = 0;
  const codes = new Set<string>();
  const actions = new Map<string, number>();
  // Live plans need a running VM: keep most block-copy worlds running (stopped ones are refused).
  const shapes =
    kind === 'block-copy'
      ? fc.tuple(worldShape, fc.nat(9)).map(([s, n]) => ({ ...s, running: s.running || n > 0 }))
      : worldShape;
  const cases = shapes.chain((shape) => fc.tuple(fc.constant(shape), requestFor(kind, shape)));
  await fc.assert(
    fc.asyncProperty(cases, fc.nat(6), async ([shape, req], at) => {
      const w = buildWorld(shape);
      let plan: Plan;
      try {
        plan = planRequest(req, w, counterIds());
      } catch (e) {
        expect(isVdiskError(e), String(e)).toBe(true);
        expect(knownCodes()).toContain((e as { code: string }).code);
        codes.add((e as { code: string }).code);
        refused++;
        fc.pre(false); // a refusal has no steps to fault: it does not count towards RUNS
        return;
      }
      planned++;
      if (plan.live) live++;
      for (const a of new Set(plan.steps.map((s) => s.action))) actions.set(a, (actions.get(a) ?? 0) + 1);
      const inv = parseInventory(w);
      const clean = await simulatePlan(plan, inv);
      expect(clean.problems, 'without a fault').toEqual([]);
      // A step the clean run never reached (it stopped earlier, e.g. a target check failed) cannot fail.
      const reached = new Set([...clean.report.completed, clean.report.failure?.step]);
      for (const step of plan.steps) {
        const r = await simulatePlan(plan, inv, { fault: { step: step.id, at } });
        faults++;
        expect(r.problems, `fault at ${step.id} (${step.action}, at ${at})`).toEqual([]);
        if (!reached.has(step.id)) continue;
        const visible =
          r.report.failure?.step === step.id ||
          r.report.orphans.some(
            (o) => JSON.stringify(o.cleanup) === JSON.stringify({ action: step.action, params: step.params }),
          ) ||
          r.report.retry.some((c) => JSON.stringify(c.params) === JSON.stringify(step.params));
        expect(visible, `the failure of ${step.id} is reported`).toBe(true);
        expect(r.report.outcome).not.toBe('done');
      }
    }),
    { numRuns: RUNS, seed: SEED, maxSkipsPerRun: 20 },
  );
  return { planned, refused, live, offline: planned - live, faults, codes, actions };
}
