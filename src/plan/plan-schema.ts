// The plan: versioned JSON, a union on `kind`, each step one action of the closed set with its
// dependencies, its undo, its failure phase and its progress weight. JSON Schema comes from zod.
import { z } from 'zod';
import { VdiskError } from '../errors/vdisk-error.js';
import { ACTION_PARAMS, ACTIONS, ActionCallSchema, type ActionCall } from './actions.js';
import { ConditionSchema } from './conditions.js';
import { FACTS_PATTERN } from './facts.js';
import {
  BlockCopyRequestSchema,
  CloneRequestSchema,
  MoveRequestSchema,
  SnapshotDeleteRequestSchema,
  SnapshotRequestSchema,
} from './requests.js';
import { MAX_ITEMS, prose, text } from './limits.js';

export const PLAN_VERSION = 1;

/**
 * prepare: undone if anything fails before the unit commits. commit: the unit's point of no return
 * (its first commit step succeeding commits the unit). cleanup: a failure leaves a reported orphan
 * and a retryable step; it never undoes the work.
 */
export const PhaseSchema = z.enum(['prepare', 'commit', 'cleanup']);
export type Phase = z.infer<typeof PhaseSchema>;

const stepBase = {
  id: text(),
  label: prose(),
  after: z.array(text()).max(MAX_ITEMS),
  /** Failure scope: one disk of a group, or `all`. */
  unit: text(),
  phase: PhaseSchema,
  undo: z.array(ActionCallSchema).max(MAX_ITEMS),
  weight: z.number().nonnegative(),
};
const stepSchemas = ACTIONS.map((a) => z.object({ ...stepBase, action: z.literal(a), params: ACTION_PARAMS[a] }));
export const StepSchema = z.discriminatedUnion(
  'action',
  stepSchemas as unknown as [(typeof stepSchemas)[number], ...(typeof stepSchemas)[number][]],
);

export type Step = ActionCall & {
  id: string;
  label: string;
  after: string[];
  unit: string;
  phase: Phase;
  undo: ActionCall[];
  weight: number;
};

const planBase = {
  version: z.literal(PLAN_VERSION),
  id: text(),
  host: text(),
  live: z.boolean(),
  summary: prose(),
  preconditions: z.array(ConditionSchema).max(MAX_ITEMS),
  steps: z.array(StepSchema).max(MAX_ITEMS),
  postconditions: z.array(ConditionSchema).max(MAX_ITEMS),
  /** What a caller does after a partial failure (e.g. re-run the same request). */
  retry: prose(),
  /**
   * `sha256:` digest of the facts the plan was made from (src/plan/facts.ts): an agent re-plans the
   * request and answers E_PLAN_STALE when its own facts differ. Set by planRequest.
   */
  facts: z.string().regex(FACTS_PATTERN).optional(),
};

export const PlanSchema = z.discriminatedUnion('kind', [
  z.object({ ...planBase, kind: z.literal('move'), request: MoveRequestSchema }),
  z.object({ ...planBase, kind: z.literal('clone'), request: CloneRequestSchema }),
  z.object({ ...planBase, kind: z.literal('block-copy'), request: BlockCopyRequestSchema }),
  z.object({ ...planBase, kind: z.literal('snapshot'), request: SnapshotRequestSchema }),
  z.object({ ...planBase, kind: z.literal('snapshot-delete'), request: SnapshotDeleteRequestSchema }),
]);

type PlanWire = z.infer<typeof PlanSchema>;
export type Plan = Omit<PlanWire, 'steps'> & { steps: Step[] };

/** JSON Schema (draft 2020-12) of the plan format, for `vdisk plan --schema` and other languages. */
export function planJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(PlanSchema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** Validates a plan read from JSON (e.g. by an agent) against the schema. */
export function parsePlan(value: unknown): Plan {
  const r = PlanSchema.safeParse(value);
  if (r.success) return r.data as Plan;
  const issue = r.error.issues[0]!;
  throw new VdiskError('E_PLAN_BAD_PLAN', `${issue.path.join('.') || '(root)'}: ${issue.message}`, {
    field: issue.path.join('.'),
  });
}
