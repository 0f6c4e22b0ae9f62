// The agents' image data endpoints relayed, so a console opens a remote image with the same engine
// it uses for local files: GET/HEAD data (Range passed through, 206 passed back) and extents. Volume
// ids are checked before they become part of the agent's URL, then encoded anyway.
import { createRoute, z } from '@hono/zod-openapi';
import { callAgent } from '../agent-client.js';
import { agentReply } from '../agent-errors.js';
import type { GatewayDeps } from '../deps.js';
import { AGENT_ERRORS, COMMON_ERRORS, ExtentSchema, ok, RangeHeaders, VolumeParam } from '../schemas.js';
import { BEARER, router } from './router.js';
import { who } from '../middleware/request-id.js';

const PASSED = ['content-type', 'content-length', 'content-range', 'accept-ranges', 'etag', 'last-modified'];

const data = createRoute({
  method: 'get',
  path: '/v1/agents/{agent}/volumes/{id}/data',
  tags: ['image data'],
  security: BEARER,
  summary: "The image file's bytes (HEAD gives the size)",
  request: { params: VolumeParam, headers: RangeHeaders },
  responses: {
    200: {
      content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
      description: 'whole file',
    },
    206: {
      content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
      description: 'the range asked for',
    },
    416: { description: 'range outside the file' },
    ...COMMON_ERRORS,
    ...AGENT_ERRORS,
  },
});
const extents = createRoute({
  method: 'get',
  path: '/v1/agents/{agent}/volumes/{id}/extents',
  tags: ['image data'],
  security: BEARER,
  summary: 'Zero and hole extents of the guest view, from metadata',
  request: { params: VolumeParam },
  responses: { 200: ok(z.array(ExtentSchema), 'extents in order'), ...COMMON_ERRORS, ...AGENT_ERRORS },
});

const volumePath = (id: string, tail: string) => `/v1/volumes/${encodeURIComponent(id)}/${tail}`;

export const imageDataRoutes = (deps: GatewayDeps) =>
  router()
    .openapi(data, async (c) => {
      const { agent, id } = c.req.valid('param');
      const { range } = c.req.valid('header');
      const res = await callAgent(deps.call, deps.agent(agent), {
        method: c.req.method,
        path: volumePath(id, 'data'),
        headers: range ? { range } : {},
        ...who(c),
        signal: c.req.raw.signal,
        stream: true,
      });
      const headers = new Headers();
      for (const h of PASSED) {
        const v = res.headers.get(h);
        if (v !== null) headers.set(h, v);
      }
      return new Response(c.req.method === 'HEAD' ? null : res.body, { status: res.status, headers });
    })
    .openapi(extents, async (c) => {
      const { agent, id } = c.req.valid('param');
      const res = await callAgent(deps.call, deps.agent(agent), {
        method: 'GET',
        path: volumePath(id, 'extents'),
        ...who(c),
      });
      const json = await res.json().catch(() => undefined);
      return c.json(agentReply(z.array(ExtentSchema), json, agent), 200);
    });
