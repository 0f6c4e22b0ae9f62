// One JSON log line per request: method, path (no query), status, duration. Headers and bodies are
// never logged, so tokens, signatures and secrets cannot reach the log.
import { createMiddleware } from 'hono/factory';
import type { Logger } from '../deps.js';

export function accessLog(log: Logger) {
  return createMiddleware(async (c, next) => {
    const start = Date.now();
    await next();
    log({ level: c.res.status >= 500 ? 'error' : 'info', msg: 'request', method: c.req.method, path: c.req.path, status: c.res.status, ms: Date.now() - start });
  });
}
