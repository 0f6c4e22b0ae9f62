// POST /v1/plans: plan a request against the joined inventory of the agents and answer the plan
// (JSON and readable text) without running it. A request naming something on a down agent says so.
import { createRoute } from '@hono/zod-openapi';
import { isVdiskError, VdiskError } from '../../errors/vdisk-error.js';
import type { PlanSchema } from '../../plan/plan-schema.js';
import type { z } from 'zod';
import { renderPlanText } from '../../plan/render-text.js';
import type { GatewayDeps } from '../deps.js';
import { planJoined } from '../plan-joined.js';
import { AGENT_ERRORS, COMMON_ERRORS, ok, PlanPreviewBody, PlanPreviewSchema, problem } from '../schemas.js';
import { BEARER, router } from './router.js';
import { whoWithBackground } from '../middleware/request-id.js';

const route = createRoute({
  method: 'post',
  path: '/v1/plans',
  tags: ['plans'],
  security: BEARER,
  summary: 'Plan a request (preview: nothing runs)',
  request: { body: { content: { 'application/json': { schema: PlanPreviewBody } }, required: true } },
  responses: {
    200: ok(PlanPreviewSchema, 'the plan, the agent that would run it, and the plan as text'),
    413: problem('body too large'),
    422: problem('the planner refused the request (code says why)'),
    ...COMMON_ERRORS,
    ...AGENT_ERRORS,
  },
});

export const planRoutes = (deps: GatewayDeps) =>
  router().openapi(route, async (c) => {
    const { request } = c.req.valid('json');
    const { joined, plan, error: e } = await planJoined(deps, whoWithBackground(c), request);
    if (!plan) {
      const down = joined.agents.filter((a) => !a.up).map((a) => a.name);
      if (isVdiskError(e) && String(e.code).startsWith('E_PLAN_UNKNOWN_') && down.length) {
        throw new VdiskError('E_GATEWAY_AGENT_DOWN', `${e.message}; agent ${down.join(', ')} is down and may hold it`, {
          agent: down[0],
        });
      }
      throw e;
    }
    const agent = joined.owner.get(plan.host);
    if (!agent) throw new VdiskError('E_GATEWAY_UNKNOWN_HOST', `no agent serves host ${plan.host}`);
    // Plan types each step by its action; the wire schema is the same shape, typed per kind.
    return c.json(
      { agent: agent.name, plan: plan as unknown as z.output<typeof PlanSchema>, text: renderPlanText(plan) },
      200,
    );
  });
