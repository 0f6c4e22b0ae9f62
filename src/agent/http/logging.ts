// One JSON log line per request: method, path, status, duration, the error code if any, and the
// gateway's request id (X-Request-Id, when it is a plain bounded token) so one request can be
// followed through the gateway's log and this one.
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../log.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestLog(log: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const code = c.res.headers.get('content-type')?.includes('problem+json')
      ? await c.res
          .clone()
          .json()
          .then((b: { code?: string }) => b.code)
          .catch(() => undefined)
      : undefined;
    const id = c.req.header('x-request-id');
    log('http', {
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
      ...(code ? { code } : {}),
      ...(id !== undefined && REQUEST_ID.test(id) ? { requestId: id } : {}),
    });
  };
}
