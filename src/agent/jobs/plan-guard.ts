// Everything checked before a submitted plan may run, in order, so a bad request touches nothing:
// the plan's schema (unknown actions refused), its host, its VMs, every path any step or undo call
// names (roots, `..`, symlink escapes) and every condition path, then (src/agent/jobs/jobs.ts) the full
// containment against the inventory (src/agent/storage/containment.ts), then its preconditions as they are now.
import { existsSync } from 'node:fs';
import { VdiskError } from '../../errors/vdisk-error.js';
import type { Condition } from '../../plan/conditions.js';
import type { Inventory } from '../../plan/inventory.js';
import { parsePlan, type Plan } from '../../plan/plan-schema.js';
import type { AgentContext } from '../context.js';
import { containConditions } from '../storage/containment.js';
import { planScope } from './plan-scope.js';

export function checkPlanShape(ctx: AgentContext, value: unknown): Plan {
  const plan = parsePlan(value);
  if (plan.host !== ctx.name) {
    throw new VdiskError('E_AGENT_WRONG_HOST', `the plan is for host '${plan.host}', this agent is '${ctx.name}'`, {
      field: 'host',
      value: plan.host,
    });
  }
  const scope = planScope(plan);
  for (const vm of scope.vms) {
    if (!ctx.vms.has(vm))
      throw new VdiskError('E_AGENT_UNKNOWN_VM', `this agent manages no VM '${vm}'`, { field: 'vm', value: vm });
  }
  for (const p of scope.paths) ctx.roots.resolve(p);
  // Before anything asks whether a condition's file exists: the answer must not depend on it.
  containConditions(ctx.roots, plan);
  return plan;
}

export function checkPreconditions(plan: Plan, inv: Inventory): void {
  const failed = plan.preconditions.filter((c) => !holds(c, inv));
  if (failed.length) {
    throw new VdiskError(
      'E_AGENT_PRECONDITION',
      `precondition${failed.length > 1 ? 's' : ''} not met: ${failed.map(show).join('; ')}`,
      { failed },
    );
  }
}

function holds(c: Condition, inv: Inventory): boolean {
  const volume = (id: string) => inv.volumes.find((v) => v.id === id);
  switch (c.check) {
    case 'volume-state':
      return volume(c.volume)?.state === c.state;
    case 'file-exists':
      return existsSync(c.path);
    case 'file-absent':
      return !existsSync(c.path);
    case 'pool-free':
      return (inv.pools.find((p) => p.id === c.pool)?.free ?? 0) >= c.bytes;
    case 'vm-running':
      return inv.vms.find((m) => m.id === c.vm)?.running === c.running;
    case 'disk-volume':
      return inv.vms.find((m) => m.id === c.vm)?.disks.find((d) => d.target === c.disk)?.volume === c.volume;
    case 'volume-path':
      return volume(c.volume)?.path === c.path;
    case 'no-volume':
      return volume(c.volume) === undefined;
  }
}

const show = (c: Condition): string => `${c.check} ${JSON.stringify({ ...c, check: undefined })}`;
