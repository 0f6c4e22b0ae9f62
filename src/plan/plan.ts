// The planner's entry point: parse the request and the inventory, refuse what is invalid with a
// stable code, and hand the request to the planner of its kind. Pure: ids come from the caller.
import type { z } from 'zod';
import { VdiskError } from '../errors/vdisk-error.js';
import { factsDigest } from './facts.js';
import type { IdSource } from './ids.js';
import { InventorySchema, type Inventory } from './inventory.js';
import { withIndex } from './inventory-index.js';
import { planBlockCopy } from './plan-block-copy.js';
import { planClone } from './plan-clone.js';
import { planMove } from './plan-move.js';
import type { Plan } from './plan-schema.js';
import { isTrusted } from './trusted-inventory.js';
import { planSnapshotDelete } from './plan-snapshot-delete.js';
import { planSnapshot } from './plan-snapshot.js';
import { PlanRequestSchema, type PlanKind, type PlanRequest } from './requests.js';

type Planner<K extends PlanKind> = (req: Extract<PlanRequest, { kind: K }>, inv: Inventory, ids: IdSource) => Plan;

const PLANNERS: { [K in PlanKind]: Planner<K> } = {
  move: planMove,
  clone: planClone,
  'block-copy': planBlockCopy,
  snapshot: planSnapshot,
  'snapshot-delete': planSnapshotDelete,
};

export function parseInventory(value: unknown): Inventory {
  return parseWith(InventorySchema, value, 'E_PLAN_BAD_INVENTORY');
}

export function parseRequest(value: unknown): PlanRequest {
  return parseWith(PlanRequestSchema, value, 'E_PLAN_BAD_REQUEST');
}

/** Builds the plan for a request, or throws a VdiskError with the reason it is refused. */
export function planRequest(request: unknown, inventory: unknown, ids: IdSource): Plan {
  return planChecked(request, isTrusted(inventory) ? inventory : parseInventory(inventory), ids);
}

/**
 * The same, for an inventory the caller has already checked with InventorySchema (the gateway checks
 * each agent's once per body it fetches): re-checking thousands of volumes per plan costs more than
 * planning.
 */
export function planChecked(request: unknown, inv: Inventory, ids: IdSource): Plan {
  return planParsed(parseRequest(request), inv, ids);
}

/** The same, for a request already parsed with PlanRequestSchema (the gateway's route validated it). */
export function planParsed(req: PlanRequest, inv: Inventory, ids: IdSource): Plan {
  return withIndex(inv, () => {
    const plan = (PLANNERS[req.kind] as Planner<PlanKind>)(req as never, inv, ids);
    return { ...plan, facts: factsDigest(req, inv) };
  });
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, code: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new VdiskError(code, `${issue.path.join('.') || '(root)'}: ${issue.message}`, { field: issue.path.join('.') });
}
