// One JSON log line per request: method, path (no query), status, duration and request id; and the
// same request counted in the metrics by route pattern (never the raw path, so series stay bounded).
// Headers and bodies are never logged, so tokens, signatures and secrets cannot reach the log.
import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import type { Logger } from '../deps.js';
import type { GatewayEnv } from '../env.js';
import type { GatewayMetrics } from '../metrics.js';

export function accessLog(log: Logger, metrics: GatewayMetrics) {
  return createMiddleware<GatewayEnv>(async (c, next) => {
    const start = performance.now();
    await next();
    const ms = performance.now() - start;
    const pattern = routePath(c, -1);
    const route = pattern.includes('*') ? 'unmatched' : pattern;
    metrics.request(route, c.req.method, c.res.status, ms / 1000);
    log({
      level: c.res.status >= 500 ? 'error' : 'info',
      msg: 'request',
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(ms),
      requestId: c.get('requestId'),
    });
  });
}
