// GET /v1/inventory: pools, volumes, VMs and snapshots of every agent in one document, with each
// agent's state next to it (a down agent is marked, not hidden).
import { createRoute } from '@hono/zod-openapi';
import type { GatewayDeps } from '../deps.js';
import { joinInventories } from '../inventories.js';
import { COMMON_ERRORS, InventoryAnswerSchema, ok } from '../schemas.js';
import { BEARER, router } from './router.js';
import { whoWithBackground } from '../middleware/request-id.js';

const route = createRoute({
  method: 'get',
  path: '/v1/inventory',
  tags: ['inventory'],
  security: BEARER,
  summary: 'Pools, volumes and VMs of every agent',
  responses: { 200: ok(InventoryAnswerSchema, 'joined inventory and per-agent state'), ...COMMON_ERRORS },
});

export const inventoryRoutes = (deps: GatewayDeps) =>
  router().openapi(route, async (c) => {
    const { inventory, agents } = await joinInventories(deps, whoWithBackground(c));
    return c.json({ inventory, agents }, 200);
  });
