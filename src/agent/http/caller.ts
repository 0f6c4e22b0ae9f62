// The caller of a signed request, from `x-vdisk-caller` (src/auth/caller.ts): left on the context for
// the routes that scope keys, record who started a job or cap streams per caller. Runs after the
// signature check, so only the gateway (holder of the secret) can name a caller.
import type { MiddlewareHandler } from 'hono';
import { CALLER_HEADER, parseCaller } from '../../auth/caller.js';
import type { AuthEnv } from './auth.js';

export type AgentEnv = { Variables: AuthEnv['Variables'] & { caller: string } };

export const callerName: MiddlewareHandler<AgentEnv> = async (c, next) => {
  c.set('caller', parseCaller(c.req.header(CALLER_HEADER)));
  await next();
};
