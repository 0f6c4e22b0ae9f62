// The agent runs only plans it can vouch for: it plans the request a submitted plan carries again,
// against its own inventory as it is now and with the same ids, and runs that plan, its own. Other
// facts than the plan's digest says → E_PLAN_STALE with the fresh plan; the same facts but another
// plan (a step's backing name, a path, a mode edited on the way) → E_AGENT_PLAN_MISMATCH. Either
// way nothing has run and nothing was written. `{ request }` alone is planned here with fresh ids;
// `{ retryOf: JOB }` is the retry plan the agent builds from that job's own plan and run report.
import { randomBytes } from 'node:crypto';
import { VdiskError } from '../../errors/vdisk-error.js';
import type { RunReport } from '../../plan/execute.js';
import { counterIds, idPrefixOf, type IdSource } from '../../plan/ids.js';
import { retryPlan } from '../../plan/retry-plan.js';
import { planRequest } from '../../plan/plan.js';
import { comparablePlanJson } from '../../plan/plan-compare.js';
import { parsePlan, type Plan } from '../../plan/plan-schema.js';
import type { AgentContext } from '../context.js';
import { buildInventory } from '../storage/inventory.js';
import { retryableOrphans } from './orphans.js';
import { checkPlanShape } from './plan-guard.js';
import { retryPart } from './retry-report.js';
import { planScope } from './plan-scope.js';

/** A job this agent ran: its own plan and the report of its run (in memory or from the journal). */
export type RanJob = (id: string) => { plan: Plan; report?: RunReport };

/** The plan this agent will run for a POST /v1/jobs body (`{ plan }`, `{ request }` or `{ retryOf }`), containment-checked. */
export async function vouchedPlan(ctx: AgentContext, body: unknown, ranJob: RanJob): Promise<Plan> {
  const b = (body !== null && typeof body === 'object' ? body : {}) as {
    plan?: unknown;
    request?: unknown;
    retryOf?: unknown;
  };
  if (b.plan === undefined && typeof b.retryOf === 'string') {
    const ran = ranJob(b.retryOf);
    const left = ran.report && retryPart(b.retryOf, ran.report);
    // Only files that are still the very orphans the job left (orphans.ts): never one made under their name since.
    const orphans = left ? retryableOrphans(ctx, b.retryOf, left.orphans) : [];
    if (!left || (orphans.length === 0 && left.retry.length === 0)) {
      throw new VdiskError('E_AGENT_NOTHING_TO_RETRY', `job ${b.retryOf} left nothing to retry`, { job: b.retryOf });
    }
    return checkPlanShape(ctx, retryPlan(ran.plan, { orphans, retry: left.retry }));
  }
  if (b.plan === undefined && b.request !== undefined) {
    return checkPlanShape(ctx, planRequest(b.request, (await buildInventory(ctx)).inventory, freshIds()));
  }
  const sent = parsePlan(b.plan);
  if (sent.host !== ctx.name) {
    throw new VdiskError('E_AGENT_WRONG_HOST', `the plan is for host '${sent.host}', this agent is '${ctx.name}'`, {
      field: 'host',
      value: sent.host,
    });
  }
  // A VM this agent does not manage is named as such (it would otherwise read as a planner miss).
  for (const vm of planScope(sent).vms) {
    if (!ctx.vms.has(vm))
      throw new VdiskError('E_AGENT_UNKNOWN_VM', `this agent manages no VM '${vm}'`, { field: 'vm', value: vm });
  }
  const prefix = idPrefixOf(sent.id);
  if (!prefix) throw mismatch(`plan id '${sent.id.slice(0, 40)}' is not one the planner makes (PREFIX p N)`);
  const own = planRequest(sent.request, (await buildInventory(ctx)).inventory, counterIds(prefix));
  if (own.facts !== sent.facts) {
    throw new VdiskError(
      'E_PLAN_STALE',
      `plan ${sent.id} was made from other facts than this host shows now: the fresh plan is in \`plan\``,
      { plan: own },
    );
  }
  if (comparablePlanJson(b.plan) !== comparablePlanJson(JSON.parse(JSON.stringify(own)))) {
    ctx.log('plan-mismatch', { plan: sent.id });
    throw mismatch(`plan ${sent.id} differs from the plan its request gives on this host`);
  }
  return checkPlanShape(ctx, own);
}

const mismatch = (message: string) => new VdiskError('E_AGENT_PLAN_MISMATCH', message, { field: 'plan' });

/** `a` + 8 base-36 characters, as the gateway's ids (src/gateway/plan-ids.ts) but marked as the agent's. */
function freshIds(): IdSource {
  return counterIds(`a${[...randomBytes(8)].map((b) => (b % 36).toString(36)).join('')}`);
}
