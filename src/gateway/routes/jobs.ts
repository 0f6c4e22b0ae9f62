// Jobs live in the agents; the gateway only routes. POST /v1/jobs sends a plan (or a request, planned
// here only to find its host) to the agent serving its host with the caller's Idempotency-Key (the agent keeps key → body digest → job, so a retry
// never starts a second job); status, list and cancel go to the agent named in the job id.
import { createRoute } from '@hono/zod-openapi';
import { agentJson } from '../agent-client.js';
import { agentReply } from '../agent-errors.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import type { GatewayDeps } from '../deps.js';
import { type Joined, joinInventories } from '../inventories.js';
import type { Plan } from '../../plan/plan-schema.js';
import { planJoined } from '../plan-joined.js';
import { listJobPage } from '../job-pages.js';
import { parseJobId, publicJobId } from '../job-id.js';
import { requireWrite } from '../middleware/auth.js';
import {
  AGENT_ERRORS,
  COMMON_ERRORS,
  IdempotencyHeaders,
  JobBody,
  JobCreatedSchema,
  JobListQuery,
  JobListSchema,
  JobParam,
  JobStatusSchema,
  ok,
  problem,
} from '../schemas.js';
import { BEARER, router } from './router.js';
import { who, whoWithBackground } from '../middleware/request-id.js';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';

const create = createRoute({
  method: 'post',
  path: '/v1/jobs',
  tags: ['jobs'],
  security: BEARER,
  middleware: [requireWrite] as const,
  summary: 'Run a previewed plan, or plan and run a request, on the agent that serves its host',
  request: {
    headers: IdempotencyHeaders,
    body: { content: { 'application/json': { schema: JobBody } }, required: true },
  },
  responses: {
    202: ok(JobCreatedSchema, 'job started; Location names it'),
    200: ok(JobCreatedSchema, 'same key and body: the existing job'),
    409: problem(
      'a volume or VM of the plan is busy, or E_PLAN_STALE: the facts changed (the fresh plan is in `plan`)',
    ),
    413: problem('body too large'),
    422: problem(
      'the key was used with another body, no agent serves the host, or E_AGENT_PLAN_MISMATCH: the plan is not the one its request gives',
    ),
    ...COMMON_ERRORS,
    ...AGENT_ERRORS,
  },
});
const list = createRoute({
  method: 'get',
  path: '/v1/jobs',
  tags: ['jobs'],
  security: BEARER,
  summary: "Every agent's jobs, newest first, paged per agent",
  request: { query: JobListQuery },
  responses: {
    200: ok(JobListSchema, 'jobs (up to `limit` of each agent), which agents answered, and the next cursor'),
    ...COMMON_ERRORS,
  },
});
const status = createRoute({
  method: 'get',
  path: '/v1/jobs/{id}',
  tags: ['jobs'],
  security: BEARER,
  summary: 'Job status',
  request: { params: JobParam },
  responses: { 200: ok(JobStatusSchema, 'the job'), ...COMMON_ERRORS, ...AGENT_ERRORS },
});
const retry = createRoute({
  method: 'post',
  path: '/v1/jobs/{id}/retry',
  tags: ['jobs'],
  security: BEARER,
  middleware: [requireWrite] as const,
  summary: "Run the retry plan of a job's orphans and stuck steps (built by its agent from its own report)",
  request: { params: JobParam, headers: IdempotencyHeaders },
  responses: {
    202: ok(JobCreatedSchema, 'retry job started; Location names it'),
    200: ok(JobCreatedSchema, 'same key: the existing retry job'),
    409: problem('nothing to retry, or busy'),
    ...COMMON_ERRORS,
    ...AGENT_ERRORS,
  },
});
const cancel = createRoute({
  method: 'post',
  path: '/v1/jobs/{id}/cancel',
  tags: ['jobs'],
  security: BEARER,
  middleware: [requireWrite] as const,
  summary: 'Cancel a job',
  request: { params: JobParam },
  responses: {
    202: ok(JobStatusSchema, 'cancel requested'),
    409: problem('the job cannot be cancelled now'),
    ...COMMON_ERRORS,
    ...AGENT_ERRORS,
  },
});

/** Sends the job body to the agent with the caller's key; answers the public job id. */
async function forward(
  c: Context,
  deps: GatewayDeps,
  agent: ReturnType<GatewayDeps['agent']>,
  key: string,
  body: unknown,
) {
  deps.inventories.invalidate(agent.name);
  const res = await agentJson(deps.call, agent, {
    method: 'POST',
    path: '/v1/jobs',
    body: JSON.stringify(body),
    headers: { 'idempotency-key': key },
    ...who(c),
  });
  const { id } = agentReply(
    z.object({ id: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9._:@+-]{0,199}$/) }),
    res.json,
    agent.name,
  );
  const pub = publicJobId(agent.name, id);
  c.header('Location', `/v1/jobs/${encodeURIComponent(pub)}`);
  return c.json({ id: pub, agent: agent.name }, res.status === 200 ? 200 : 202);
}

type Job = z.infer<typeof JobStatusSchema>;
const publicJob = (agent: string, job: Job): Job => ({ ...job, id: publicJobId(agent, job.id), agent });

export const jobRoutes = (deps: GatewayDeps) =>
  router()
    .openapi(create, async (c) => {
      const body = c.req.valid('json');
      const key = c.req.valid('header')['idempotency-key'];
      if (body.retryOf) {
        const { agent, id } = parseJobId(body.retryOf);
        return forward(c, deps, deps.agent(agent), key, { retryOf: id });
      }
      // A bare request is planned here only to learn its host; the agent plans it again and runs its own plan.
      const planned: { joined: Joined; plan?: Plan; error?: unknown } = body.plan
        ? { joined: await joinInventories(deps, whoWithBackground(c)), plan: body.plan as Plan }
        : await planJoined(deps, whoWithBackground(c), body.request!); // JobBody: exactly one of the three
      if (!planned.plan) throw planned.error;
      const { joined, plan } = planned;
      const agent = joined.owner.get(plan.host);
      if (!agent) {
        const down = joined.agents.filter((a) => !a.up).map((a) => a.name);
        if (down.length)
          throw new VdiskError(
            'E_GATEWAY_AGENT_DOWN',
            `no reachable agent serves host ${plan.host}; agent ${down.join(', ')} is down; nothing was sent`,
            { agent: down[0] },
          );
        throw new VdiskError('E_GATEWAY_UNKNOWN_HOST', `no agent serves host ${plan.host}`);
      }
      return forward(c, deps, agent, key, body.plan ? { plan } : { request: body.request });
    })
    .openapi(list, async (c) => {
      const { limit, cursor } = c.req.valid('query');
      return c.json(await listJobPage(deps, c.get('caller'), limit ?? 100, cursor), 200);
    })
    .openapi(status, async (c) => {
      const { agent, id } = parseJobId(c.req.valid('param').id);
      const res = await agentJson(deps.call, deps.agent(agent), {
        method: 'GET',
        path: `/v1/jobs/${encodeURIComponent(id)}`,
        ...who(c),
      });
      const job = agentReply(JobStatusSchema, res.json, agent);
      if (job.state !== 'queued') deps.inventories.invalidate(agent); // a running or ended job may have changed the agent's files
      return c.json(publicJob(agent, job), 200);
    })
    .openapi(retry, async (c) => {
      const { agent, id } = parseJobId(c.req.valid('param').id);
      return forward(c, deps, deps.agent(agent), c.req.valid('header')['idempotency-key'], { retryOf: id });
    })
    .openapi(cancel, async (c) => {
      const { agent, id } = parseJobId(c.req.valid('param').id);
      const res = await agentJson(deps.call, deps.agent(agent), {
        method: 'POST',
        path: `/v1/jobs/${encodeURIComponent(id)}/cancel`,
        ...who(c),
      });
      return c.json(publicJob(agent, agentReply(JobStatusSchema, res.json, agent)), 202);
    });
