// GET /v1/openapi.json (generated from the route schemas) and GET /v1/docs: a self-contained page
// listing the routes and every error code, with no script or CDN (the gateway may run offline).
import type { OpenAPIHono } from '@hono/zod-openapi';
import { html, raw } from 'hono/html';
import { describeCode, knownCodes } from '../../errors/codes.js';
import type { GatewayEnv } from '../env.js';

export const OPENAPI_INFO = {
  openapi: '3.0.3',
  info: {
    title: 'vdisk gateway',
    version: '1',
    description: 'Plans, jobs, inventory and image data of vdisk host agents',
  },
};

type Doc = { paths?: Record<string, Record<string, { summary?: string; security?: unknown[] }>> };

export function docsPage(doc: Doc) {
  const routes = Object.entries(doc.paths ?? {}).flatMap(([path, ops]) =>
    Object.entries(ops).map(
      ([method, op]) =>
        html`<tr><td><code>${method.toUpperCase()}</code></td><td><code>${path}</code></td><td>${op.summary ?? ''}</td><td>${op.security?.length ? 'bearer' : 'none'}</td></tr>`,
    ),
  );
  const codes = knownCodes().map((code) => {
    const info = describeCode(code);
    return html`<tr id="${code}"><td><code>${code}</code></td><td>${info.http}</td><td>${info.message}${info.hint ? html`<br><small>${info.hint}</small>` : ''}</td></tr>`;
  });
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>vdisk gateway API</title>
<style>body{font:15px/1.4 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}td{padding:.2rem .6rem;vertical-align:top}tr:nth-child(even){background:#f3f3f3}</style></head>
<body><h1>vdisk gateway API v1</h1>
<p>Machine-readable: <a href="/v1/openapi.json">/v1/openapi.json</a>. Send <code>Authorization: Bearer TOKEN</code>;
errors are <code>application/problem+json</code> with a stable <code>code</code>.</p>
<h2>Routes</h2><table><thead><tr><th>method</th><th>path</th><th>what</th><th>auth</th></tr></thead><tbody>${routes}</tbody></table>
<h2>Error codes</h2><table><thead><tr><th>code</th><th>HTTP</th><th>meaning</th></tr></thead><tbody>${codes}</tbody></table>
${raw('</body></html>')}`;
}

/** Registers the two public documentation routes on the finished app. */
export function addDocs(app: OpenAPIHono<GatewayEnv>) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  let cached: Doc | undefined;
  const doc = () => (cached ??= app.getOpenAPIDocument(OPENAPI_INFO) as unknown as Doc);
  app.get('/v1/openapi.json', (c) => c.json(doc()));
  app.get('/v1/docs', (c) => c.html(docsPage(doc())));
}
