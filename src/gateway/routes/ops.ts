// For operators and load balancers: GET /v1/ready (200 when this copy takes requests: its
// configuration loaded and at least one agent answered; 503 while draining or when no agent can be
// reached) and GET /metrics (Prometheus text, read scope). Readiness uses the inventory cache, so a
// probe every second costs at most one call per agent per TTL.
import { createRoute, z } from '@hono/zod-openapi';
import { VdiskError } from '../../errors/vdisk-error.js';
import { METRICS_CONTENT_TYPE } from '../../ops/metrics.js';
import type { GatewayDeps } from '../deps.js';
import { problemResponse } from '../problem.js';
import { COMMON_ERRORS, ok, problem } from '../schemas.js';
import { BEARER, router } from './router.js';

const ReadySchema = z
  .object({ ready: z.literal(true), agents: z.array(z.object({ name: z.string(), up: z.boolean() })) })
  .openapi('Ready');

const ready = createRoute({
  method: 'get',
  path: '/v1/ready',
  tags: ['operations'],
  summary: 'Whether this gateway copy takes requests (for load balancers)',
  responses: {
    200: ok(ReadySchema, 'ready, and which agents answered'),
    503: problem('draining (E_GATEWAY_DRAINING) or no agent reachable (E_GATEWAY_NOT_READY)'),
  },
});
const metrics = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['operations'],
  security: BEARER,
  summary: 'Prometheus metrics (text exposition format 0.0.4)',
  responses: { 200: { content: { 'text/plain': { schema: z.string() } }, description: 'metrics' }, ...COMMON_ERRORS },
});

export const opsRoutes = (deps: GatewayDeps) =>
  router()
    .openapi(ready, async (c) => {
      if (deps.drain.draining) return problemResponse(new VdiskError('E_GATEWAY_DRAINING')) as never;
      const snaps = await deps.inventories.all({ requestId: c.get('requestId') });
      const agents = snaps.map((s) => ({ name: s.agent.name, up: s.up }));
      if (!agents.some((a) => a.up)) return problemResponse(new VdiskError('E_GATEWAY_NOT_READY')) as never;
      return c.json({ ready: true as const, agents }, 200);
    })
    .openapi(metrics, (c) => c.text(deps.metrics.registry.render(), 200, { 'content-type': METRICS_CONTENT_TYPE }));
