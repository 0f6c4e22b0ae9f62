// Every call is signed (docs/contracts.md): HMAC-SHA256 over method, path and query, timestamp,
// nonce and the body's digest, checked before anything else runs. The raw body read here is kept
// for the handler (idempotency hashes the exact bytes that were signed).
import type { MiddlewareHandler } from 'hono';
import { NonceCache, verifyRequest } from '../../auth/hmac.js';

export type AuthEnv = { Variables: { rawBody: Uint8Array } };

export function hmacAuth(secret: string | readonly string[], nonces = new NonceCache(), clock: () => number = Date.now): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const body = c.req.method === 'GET' || c.req.method === 'HEAD' ? new Uint8Array() : new Uint8Array(await c.req.arrayBuffer());
    const url = new URL(c.req.url);
    await verifyRequest(secret, { method: c.req.method, pathAndQuery: url.pathname + url.search, body, header: (n) => c.req.header(n) }, nonces, clock());
    c.set('rawBody', body);
    await next();
  };
}
