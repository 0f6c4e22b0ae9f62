// One JSON log line per request: method, path, status, duration, and the error code if any.
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../log.js';

export function requestLog(log: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const code = c.res.headers.get('content-type')?.includes('problem+json') ? await c.res.clone().json().then((b: { code?: string }) => b.code).catch(() => undefined) : undefined;
    log('http', { method: c.req.method, path: new URL(c.req.url).pathname, status: c.res.status, ms: Math.round(performance.now() - started), ...(code ? { code } : {}) });
  };
}
