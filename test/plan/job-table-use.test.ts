// The planner uses the job table too, not only the simulator and the agent: in every plan, each job
// verb a step's QMP script applies is allowed (JOB_VERB_STATUSES) in the state the plan has waited
// for, and every pivot (job-complete) comes after a wait for that job's `ready`.
import { describe, expect, test } from 'vitest';
import { verbAllowed, type JobStatus, type JobVerb } from '../../src/qmp/job-states.js';
import type { Plan, Step } from '../../src/plan/plan-schema.js';
import { qmpScript } from '../../src/plan/qmp-map.js';
import { twoDisks, world } from './fixtures.js';
import { plan } from './helpers.js';

const VERB: Record<string, JobVerb> = {
  'job-complete': 'complete',
  'job-finalize': 'finalize',
  'job-dismiss': 'dismiss',
};

const plans: [string, Plan][] = [
  ['live move', plan({ kind: 'move', volume: 'snap2', toPool: 'p2' }, world())],
  ['live keep-chain move', plan({ kind: 'move', volume: 'snap2', toPool: 'p2', shape: 'keep-chain' }, world())],
  [
    'group copy',
    plan(
      {
        kind: 'block-copy',
        vm: 'vm1',
        disks: [
          { disk: 'vda', pool: 'p2', name: 'a', flags: 9 },
          { disk: 'vdb', pool: 'p2', name: 'b', flags: 8 },
        ],
      },
      world({ secondDisk: true }),
    ),
  ],
  [
    'keep-copy',
    plan(
      {
        kind: 'block-copy',
        vm: 'vm1',
        finish: 'keep-copy',
        disks: [{ disk: 'vda', pool: 'p2', name: 'a', flags: 12 }],
      },
      world(),
    ),
  ],
  ['atomic snapshot', plan({ kind: 'snapshot', vm: 'vm1', name: 'x' }, world({ secondDisk: true }))],
  ...(['snapshot', 'with-children', 'children-only'] as const).flatMap((mode) =>
    (['s1', 's2'] as const).map((s): [string, Plan] => [
      `snapshot delete ${mode} ${s}`,
      plan({ kind: 'snapshot-delete', vm: 'vm1', snapshot: s, mode }, twoDisks()),
    ]),
  ),
];

/** Steps that must have succeeded before `step` runs (its `after`, transitively). */
function before(p: Plan, step: Step): Step[] {
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    p.steps.find((s) => s.id === id)!.after.forEach(visit);
  };
  step.after.forEach(visit);
  return p.steps.filter((s) => seen.has(s.id));
}

describe('plans follow the job table', () => {
  test.each(plans)('%s: verbs only in allowed states, pivot only after ready', (_name, p) => {
    let pivots = 0;
    for (const step of p.steps) {
      const state = new Map<string, JobStatus>();
      for (const op of qmpScript(step)) {
        if (op.op === 'await') {
          state.set(op.job, op.status);
          continue;
        }
        const verb = VERB[op.execute];
        const job = String(op.arguments.id);
        if (verb && state.has(job))
          expect(verbAllowed(verb, state.get(job)!), `${step.id} ${op.execute} in ${state.get(job)}`).toBe(true);
        if (op.execute === 'job-complete') {
          pivots++;
          const waited = before(p, step).some((s) => s.action === 'qmp-wait-ready' && s.params.job === job);
          expect(waited, `${step.id} pivots ${job} without waiting for ready`).toBe(true);
        }
      }
    }
    if (p.steps.some((s) => s.action === 'qmp-pivot')) expect(pivots).toBeGreaterThan(0);
  });
});
