// Bearer tokens with scopes, on hono's bearer-auth: every configured token is compared in constant
// time (no early exit, so timing tells neither which token nor how much matched), and the matching
// token's scope is left on the context for `requireWrite`.
import { bearerAuth } from 'hono/bearer-auth';
import { createMiddleware } from 'hono/factory';
import { timingSafeEqualStr } from '../../auth/hmac.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import type { GatewayConfig, Scope } from '../config.js';
import type { GatewayEnv } from '../env.js';
import { problemResponse } from '../problem.js';

export function authenticate(tokens: GatewayConfig['tokens']) {
  const refuse = (code: string, message: string) => () => problemResponse(new VdiskError(code, message));
  return bearerAuth<GatewayEnv>({
    verifyToken: (presented, c) => {
      let scope: Scope | undefined;
      for (const t of tokens) if (timingSafeEqualStr(t.token, presented) && scope !== 'write') scope = t.scope;
      if (scope) c.set('scope', scope);
      return scope !== undefined;
    },
    noAuthenticationHeader: { message: refuse('E_AUTH_MISSING', 'send Authorization: Bearer TOKEN') },
    invalidAuthenticationHeader: { message: refuse('E_AUTH_BAD_TOKEN', 'the Authorization header is not "Bearer TOKEN"') },
    invalidToken: { message: refuse('E_AUTH_BAD_TOKEN', 'the token is not valid') },
  });
}

/** For routes that change something: a read-only token gets 403. */
export const requireWrite = createMiddleware<GatewayEnv>(async (c, next) => {
  if (c.get('scope') !== 'write') throw new VdiskError('E_AUTH_SCOPE', 'this needs a token with the write scope');
  await next();
});
