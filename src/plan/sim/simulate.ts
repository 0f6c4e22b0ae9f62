// Runs a plan against the simulated world through the same executor and step → QMP mapping the
// host agent uses, optionally with a fault injected into one step, and reports what happened: the
// run report, the QMP commands issued, and every invariant broken along the way.
import { ACTION_TRAITS } from '../action-traits.js';
import type { ActionCall } from '../actions.js';
import { applyInventoryOps } from '../apply-inventory-ops.js';
import { runPlan, type RunReport } from '../execute.js';
import type { Inventory } from '../inventory.js';
import type { Plan } from '../plan-schema.js';
import { qmpScript, type QmpOp } from '../qmp-map.js';
import { awaitJob } from './await-job.js';
import { fileAction } from './file-actions.js';
import { qmpCommand } from './qemu.js';
import { failedConditions } from './conditions.js';
import { endProblems, lostData, rootsOf } from './invariants.js';
import { worldFromInventory } from './from-inventory.js';
import { SimError, type QmpRecord, type SimWorld } from './world.js';

export interface Fault {
  /** Step id that fails. */
  step: string;
  /** For QMP steps, which command or wait of its script fails (clamped); others fail halfway. */
  at?: number;
}

export interface SimResult {
  report: RunReport;
  world: SimWorld;
  qmp: QmpRecord[];
  /** Broken invariants and protocol violations; empty for a correct plan. */
  problems: string[];
}

export interface SimOptions {
  fault?: Fault;
  world?: SimWorld;
  /** The step → QMP map (default: the one the agent runs); a test may run an older one through the model. */
  script?: (call: ActionCall) => QmpOp[];
}

export async function simulatePlan(plan: Plan, inventory: Inventory, opts: SimOptions = {}): Promise<SimResult> {
  const script = opts.script ?? qmpScript;
  const w = opts.world ?? worldFromInventory(inventory);
  const overwritten = plan.steps.flatMap((s) => (s.action === 'check-target' ? [s.params.volume] : []));
  const roots = rootsOf(w, overwritten);
  const problems: string[] = [];
  const unmet = failedConditions(w, plan.preconditions);
  if (unmet.length) problems.push(`preconditions do not hold: ${JSON.stringify(unmet)}`);
  const report = await runPlan(plan, (call, { step, undo }) => {
    const fault = !undo && opts.fault?.step === step.id;
    try {
      runCall(w, call, fault, opts.fault?.at ?? 0, script);
    } finally {
      const lost = lostData(w, roots);
      if (lost) problems.push(`after ${undo ? 'undo of ' : ''}${step.id} (${call.action}): ${lost}`);
    }
  });
  problems.push(...w.violations, ...endProblems(w, report));
  if (report.outcome === 'done') {
    const missed = failedConditions(w, plan.postconditions);
    if (missed.length) problems.push(`postconditions do not hold after success: ${JSON.stringify(missed)}`);
  }
  return { report, world: w, qmp: w.qmpLog, problems: [...new Set(problems)] };
}

type Script = (call: ActionCall) => QmpOp[];

function runCall(w: SimWorld, call: ActionCall, fault: boolean, at: number, script: Script): void {
  const traits = ACTION_TRAITS[call.action];
  if (traits.layer === 'qmp') return runScript(w, call, fault ? at : -1, script(call));
  if (fault && traits.atomic) throw new SimError('E_PLAN_STEP_FAILED', `injected fault in ${call.action}`);
  if (call.action === 'inventory-update') {
    w.inv = applyInventoryOps(w.inv, call.params.ops);
    return;
  }
  fileAction(w, call as Parameters<typeof fileAction>[1], fault);
}

function runScript(w: SimWorld, call: ActionCall, faultAt: number, script: QmpOp[]): void {
  const vm = (call.params as { vm: string }).vm;
  const q = w.qemu.get(vm);
  if (!q) throw new SimError('E_PLAN_VM_NOT_RUNNING', `VM ${vm} is not running`);
  const failAt = faultAt < 0 ? -1 : Math.min(faultAt, script.length - 1);
  script.forEach((op, i) => {
    if (op.op === 'await') {
      try {
        awaitJob(w, vm, q, op.job, op.status, i === failAt);
      } catch (e) {
        if (!(e instanceof SimError && e.qmpClass === 'not-found' && op.tolerate?.includes('not-found'))) throw e;
      }
      return;
    }
    const record: QmpRecord = { vm, execute: op.execute, arguments: op.arguments };
    w.qmpLog.push(record);
    if (i === failAt) {
      record.error = 'injected';
      throw new SimError('E_PLAN_QMP_ERROR', `injected failure of ${op.execute}`, 'generic');
    }
    try {
      qmpCommand(w, vm, q, op.execute, op.arguments);
    } catch (e) {
      const cls = e instanceof SimError ? e.qmpClass : undefined;
      record.error = cls ?? 'generic';
      if (cls && cls !== 'generic' && op.tolerate?.includes(cls)) return;
      throw e;
    }
  });
}
