// The zod schemas the routes validate with; /v1/openapi.json is generated from these same objects.
// Request and plan shapes are the planner's own (src/plan), so the gateway and the agents agree.
import { z } from '@hono/zod-openapi';
import { JOB_STATES } from '../plan/job-lifecycle.js';
import { InventorySchema } from '../plan/inventory.js';
import { PlanSchema } from '../plan/plan-schema.js';
import { PlanRequestSchema } from '../plan/requests.js';
import { AGENT_NAME } from './config.js';
import { PLAIN_ID } from './job-id.js';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    field: z.string().optional(),
    hint: z.string().optional(),
    agent: z.string().optional(),
    /** E_PLAN_STALE: the plan the agent makes now from the same request (review it, then submit it). */
    plan: PlanSchema.optional(),
  })
  .openapi('Problem');

export const AgentParam = z.object({
  agent: z
    .string()
    .regex(AGENT_NAME)
    .openapi({ param: { name: 'agent', in: 'path' }, example: 'host-a' }),
});
export const VolumeParam = AgentParam.extend({
  id: z
    .string()
    .regex(PLAIN_ID)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'vol-1' }),
});
export const JobParam = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}~/)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'host-a~j1' }),
});

export const AgentErrorSchema = z.object({ code: z.string(), detail: z.string() });
export const AgentStatusSchema = z
  .object({
    name: z.string(),
    up: z.boolean(),
    version: z.string().optional(),
    roots: z.array(z.string()).optional(),
    vms: z.array(z.string()).optional(),
    error: AgentErrorSchema.optional(),
  })
  .openapi('AgentStatus');

export const InventoryAnswerSchema = z
  .object({
    agents: z.array(
      z.object({
        name: z.string(),
        up: z.boolean(),
        hosts: z.array(z.string()),
        error: AgentErrorSchema.optional(),
        ageMs: z
          .number()
          .int()
          .nonnegative()
          .openapi({ description: "age of this gateway copy's cached inventory of the agent" }),
      }),
    ),
    inventory: InventorySchema,
  })
  .openapi('AggregatedInventory');

export const ExtentSchema = z.object({ start: z.number(), length: z.number(), zero: z.boolean(), hole: z.boolean() });

export const PlanPreviewBody = z.object({ request: PlanRequestSchema }).openapi('PlanPreviewRequest');
export const PlanPreviewSchema = z
  .object({ agent: z.string(), plan: PlanSchema, text: z.string() })
  .openapi('PlanPreview');

/**
 * A previewed plan (the agent re-plans its request and runs it only if it is the same), a request to
 * plan and run, or `retryOf` a job id: the retry plan its agent builds from that job's plan and report.
 */
export const JobBody = z
  .object({
    plan: PlanSchema.optional(),
    request: PlanRequestSchema.optional(),
    retryOf: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,31}~/)
      .optional(),
  })
  .refine((b) => [b.plan, b.request, b.retryOf].filter((x) => x !== undefined).length === 1, {
    message: 'give one of plan, request, retryOf',
    path: ['plan'],
  })
  .openapi('JobRequest');
export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/)
    .openapi({
      param: { name: 'idempotency-key', in: 'header', required: true },
      example: 'c0ffee-1',
    }),
});

export const JobStatusSchema = z
  .looseObject({
    id: z.string(),
    planId: z.string(),
    kind: z.string(),
    state: z.enum(JOB_STATES),
    progress: z.number(),
    step: z.string().optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    startedBy: z.string().optional().openapi({
      description: 'the caller (token name) that started the job; absent from agents older than this field',
    }),
    summary: z.string().optional().openapi({ description: 'what the job does, in words' }),
    request: PlanRequestSchema.optional().openapi({
      description: 'the request the plan was made from (volume, pool, VM)',
    }),
  })
  .openapi('JobStatus');
export const JobCreatedSchema = z.object({ id: z.string(), agent: z.string() }).openapi('JobCreated');
export const JobListSchema = z.object({
  jobs: z.array(JobStatusSchema),
  agents: z.array(z.object({ name: z.string(), up: z.boolean(), error: AgentErrorSchema.optional() })),
  next: z
    .string()
    .nullable()
    .openapi({ description: 'cursor of the next page (null: no more jobs on any agent that answered)' }),
});
export const JobListQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .optional()
    .openapi({
      param: { name: 'limit', in: 'query' },
      description: 'jobs per agent per page (default 100)',
      example: 50,
    }),
  cursor: z
    .string()
    .max(4096)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description: 'the `next` of the previous page' }),
});

export const RangeHeaders = z.object({
  range: z
    .string()
    .regex(/^bytes=(\d+-\d*|-\d+)$/)
    .optional()
    .openapi({ param: { name: 'range', in: 'header' }, example: 'bytes=0-65535' }),
});
export const EventHeaders = z.object({
  'last-event-id': z
    .string()
    .regex(/^\d{1,16}$/)
    .optional()
    .openapi({ param: { name: 'last-event-id', in: 'header' } }),
});

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
export const problem = (description: string) => ({
  content: { 'application/problem+json': { schema: ProblemSchema } },
  description,
});
export const ok = json;

/** Error answers every authenticated route can give. */
export const COMMON_ERRORS = {
  400: problem('invalid request (code and field say what)'),
  401: problem('missing or invalid bearer token'),
  403: problem('the token lacks the scope'),
} as const;
export const AGENT_ERRORS = {
  404: problem('unknown agent or object'),
  502: problem('the agent is down or refused the call; nothing was done'),
  504: problem('the agent did not answer in time'),
} as const;
