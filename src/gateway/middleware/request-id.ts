// X-Request-Id: taken from the caller when it is a plain bounded token (letters, digits, . _ : -;
// at most 128), else generated here; answered back, written into the access log and carried on every
// call to an agent, which writes it into its own log. Never trusted for anything else.
import { createMiddleware } from 'hono/factory';
import type { Context } from 'hono';
import type { GatewayEnv } from '../env.js';

export const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const requestId = createMiddleware<GatewayEnv>(async (c, next) => {
  const given = c.req.header('x-request-id');
  const id = given !== undefined && REQUEST_ID.test(given) ? given : crypto.randomUUID();
  c.set('requestId', id);
  await next();
  c.res.headers.set('x-request-id', id);
});

/** Who a call to an agent is for: the caller's name and the request it serves. */
export const who = (c: Context<GatewayEnv>) => ({ caller: c.get('caller'), requestId: c.get('requestId') });

/** `who`, and where background work goes on workerd (ctx.waitUntil; Node has no execution context). */
export function whoWithBackground(c: Context<GatewayEnv>) {
  let waitUntil: ((p: Promise<unknown>) => void) | undefined;
  try {
    const ctx = c.executionCtx;
    waitUntil = (p) => ctx.waitUntil(p);
  } catch {
    /* Node */
  }
  return { ...who(c), waitUntil };
}
