// GET /v1/agents and /v1/agents/{agent}/health: the configured agents and what their health
// endpoints say. A down agent is listed with up: false and the reason, not left out.
import { createRoute } from '@hono/zod-openapi';
import type { GatewayDeps } from '../deps.js';
import { askAll, type AgentAnswer } from '../fan-out.js';
import { agentJson } from '../agent-client.js';
import { isVdiskError } from '../../errors/vdisk-error.js';
import { AgentParam, AgentStatusSchema, COMMON_ERRORS, ok, problem } from '../schemas.js';
import { BEARER, router } from './router.js';
import { who } from '../middleware/request-id.js';
import { z } from '@hono/zod-openapi';

interface Health {
  version?: string;
  roots?: string[];
  vms?: string[];
}
const HEALTH = { method: 'GET', path: '/v1/health' } as const;

const list = createRoute({
  method: 'get',
  path: '/v1/agents',
  tags: ['agents'],
  security: BEARER,
  summary: 'Configured agents and their health',
  responses: { 200: ok(z.array(AgentStatusSchema), 'every configured agent, up or down'), ...COMMON_ERRORS },
});
const one = createRoute({
  method: 'get',
  path: '/v1/agents/{agent}/health',
  tags: ['agents'],
  security: BEARER,
  summary: "One agent's health",
  request: { params: AgentParam },
  responses: { 200: ok(AgentStatusSchema, 'the agent, up or down'), 404: problem('no such agent'), ...COMMON_ERRORS },
});

function status(a: AgentAnswer<Health>): z.infer<typeof AgentStatusSchema> {
  if (!a.up) return { name: a.agent.name, up: false, error: a.error };
  const { version, roots, vms } = a.json;
  return { name: a.agent.name, up: true, version: String(version ?? ''), roots: roots ?? [], vms: vms ?? [] };
}

export const agentRoutes = (deps: GatewayDeps) =>
  router()
    .openapi(list, async (c) => c.json((await askAll<Health>(deps, { ...HEALTH, ...who(c) })).map(status), 200))
    .openapi(one, async (c) => {
      const agent = deps.agent(c.req.valid('param').agent);
      try {
        const { json } = await agentJson<Health>(deps.call, agent, { ...HEALTH, ...who(c) });
        return c.json(status({ agent, up: true, json, status: 200, headers: new Headers() }), 200);
      } catch (e) {
        if (!isVdiskError(e)) throw e;
        return c.json(status({ agent, up: false, error: { code: String(e.code), detail: e.message } }), 200);
      }
    });
