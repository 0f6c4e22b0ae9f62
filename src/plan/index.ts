// The planner's public surface (re-exports only).
export { planRequest, parseInventory, parseRequest } from './plan.js';
export {
  PlanSchema,
  PLAN_VERSION,
  parsePlan,
  planJsonSchema,
  type Plan,
  type Step,
  type Phase,
} from './plan-schema.js';
export { PlanRequestSchema, type PlanRequest, type PlanKind } from './requests.js';
export { InventorySchema, type Inventory } from './inventory.js';
export type { InventoryOp } from './inventory-ops.js';
export { applyInventoryOps } from './apply-inventory-ops.js';
export { ACTIONS, ACTION_PARAMS, type Action, type ActionCall } from './actions.js';
export { ACTION_TRAITS } from './action-traits.js';
export { qmpScript, qmpCommands, type QmpOp, type QmpSend, type QmpAwait } from './qmp-map.js';
export {
  JOB_STATUSES,
  JOB_VERBS,
  JOB_TRANSITIONS,
  JOB_VERB_STATUSES,
  JOB_VERB_COMMAND,
  canTransition,
  verbAllowed,
  assertVerb,
  type JobStatus,
  type JobVerb,
} from '../qmp/job-states.js';
export { runPlan, type StepRunner, type RunReport, type Orphan } from './execute.js';
export { retryPlan } from './retry-plan.js';
export { renderPlanText } from './render-text.js';
export { counterIds, type IdSource } from './ids.js';
export { BLOCK_COPY_FLAG_TABLE, FLAG_BITS, flagRow, flagsToNumber } from './block-copy-flags.js';
export { simulatePlan, type Fault, type SimResult } from './sim/simulate.js';
