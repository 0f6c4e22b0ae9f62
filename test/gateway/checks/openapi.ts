// The OpenAPI document comes from the same zod schemas the routes validate with; the docs page lists
// routes and codes; AppType gives a typed hc client.
import { hc } from 'hono/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppType } from '../../../src/gateway/app.js';
import { knownCodes } from '../../../src/errors/codes.js';
import { PlanRequestSchema } from '../../../src/plan/requests.js';
import { setup, type Setup, type SetupOptions } from '../helpers/setup.js';
import { moveRequest } from '../helpers/worlds.js';

export function openapiChecks(opts: SetupOptions = {}) {
  let s: Setup;
  beforeAll(async () => {
    s = await setup(opts);
  });
  afterAll(async () => {
    await s.close();
  });

  type Op = {
    parameters?: { name: string; in: string; required?: boolean }[];
    requestBody?: { content: Record<string, { schema: unknown }> };
    responses: Record<string, unknown>;
    security?: unknown[];
  };
  type Doc = {
    openapi: string;
    paths: Record<string, Record<string, Op>>;
    components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  };

  describe('GET /v1/openapi.json', () => {
    it('describes every route, with the request schemas the routes validate with', async () => {
      const res = await s.request('/v1/openapi.json');
      expect(res.status).toBe(200);
      const doc = (await res.json()) as Doc;
      expect(doc.openapi).toBe('3.0.3');
      expect(Object.keys(doc.paths).sort()).toEqual([
        '/metrics',
        '/v1/agents',
        '/v1/agents/{agent}/health',
        '/v1/agents/{agent}/volumes/{id}/data',
        '/v1/agents/{agent}/volumes/{id}/extents',
        '/v1/inventory',
        '/v1/jobs',
        '/v1/jobs/{id}',
        '/v1/jobs/{id}/cancel',
        '/v1/jobs/{id}/events',
        '/v1/jobs/{id}/retry',
        '/v1/plans',
        '/v1/ready',
      ]);
      const jobs = doc.paths['/v1/jobs']!.post!;
      expect(jobs.parameters).toContainEqual(
        expect.objectContaining({ name: 'idempotency-key', in: 'header', required: true }),
      );
      expect(Object.keys(jobs.responses)).toEqual(
        expect.arrayContaining(['202', '400', '401', '403', '409', '413', '422', '502']),
      );
      expect(jobs.security).toEqual([{ bearer: [] }]);
      expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
      // The request kinds in the document are the planner's own.
      const kinds = PlanRequestSchema.options.map((o) => o.shape.kind.value).sort();
      expect(JSON.stringify(doc.components.schemas.PlanPreviewRequest)).toContain('"oneOf"');
      for (const kind of kinds) expect(JSON.stringify(doc)).toContain(`"enum":["${kind}"]`);
      expect(doc.paths['/v1/agents/{agent}/volumes/{id}/data']!.get!.parameters).toContainEqual(
        expect.objectContaining({ name: 'id', in: 'path' }),
      );
    });

    it('serves a docs page with the routes and every error code', async () => {
      const res = await s.request('/v1/docs');
      expect(res.headers.get('content-type')).toContain('text/html');
      const page = await res.text();
      expect(page).toContain('/v1/jobs/{id}/events');
      for (const code of knownCodes()) expect(page).toContain(`id="${code}"`);
    });
  });

  describe('AppType', () => {
    it('gives a typed client over the same app', async () => {
      const client = hc<AppType>('http://gateway', {
        fetch: (input: RequestInfo | URL, init?: RequestInit) => {
          const u = new URL(input instanceof Request ? input.url : String(input));
          return s.request(u.pathname + u.search, init);
        },
      });
      const headers = { authorization: `Bearer ${s.tokens.read}` };
      const res = await client.v1.plans.$post({ json: { request: moveRequest } }, { headers });
      expect(res.status).toBe(200);
      if (res.status === 200) {
        const body = await res.json();
        expect(body.plan.kind).toBe('move');
        expect(body.agent).toBe('alpha');
      }
      const agents = await client.v1.agents.$get({}, { headers });
      expect((await agents.json()).map((a) => a.name)).toEqual(['alpha', 'beta']);
    });
  });
}
