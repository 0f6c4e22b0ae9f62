// Bearer tokens with scopes, on hono's bearer-auth: every configured token is compared in constant
// time (no early exit, so timing tells neither which token nor how much matched), and the matching
// token's scope is left on the context for `requireWrite`. With a session secret, console session
// tokens are accepted until they expire (then 401 E_AUTH_SESSION_EXPIRED, so the console asks again).
import { bearerAuth } from 'hono/bearer-auth';
import { createMiddleware } from 'hono/factory';
import { timingSafeEqualStr } from '../../auth/hmac.js';
import { looksLikeSession, verifySession } from '../../auth/session-token.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import type { GatewayConfig, Scope } from '../config.js';
import type { GatewayEnv } from '../env.js';
import { problemResponse } from '../problem.js';

export interface SessionCheck { secret: string; clock: () => number }

export function authenticate(tokens: GatewayConfig['tokens'], sessions?: SessionCheck) {
  const refuse = (code: string, message: string) => () => problemResponse(new VdiskError(code, message));
  // Why a session token was refused (expired or not), for the 401's code.
  const failures = new WeakMap<object, VdiskError>();
  return bearerAuth<GatewayEnv>({
    verifyToken: async (presented, c) => {
      let scope: Scope | undefined;
      for (const t of tokens) if (timingSafeEqualStr(t.token, presented) && scope !== 'write') scope = t.scope;
      if (scope === undefined && sessions && looksLikeSession(presented)) {
        scope = await verifySession(sessions.secret, presented, sessions.clock()).catch((e: VdiskError) => { failures.set(c, e); return undefined; });
      }
      if (scope) c.set('scope', scope);
      return scope !== undefined;
    },
    noAuthenticationHeader: { message: refuse('E_AUTH_MISSING', 'send Authorization: Bearer TOKEN') },
    invalidAuthenticationHeader: { message: refuse('E_AUTH_BAD_TOKEN', 'the Authorization header is not "Bearer TOKEN"') },
    invalidToken: { message: (c) => problemResponse(failures.get(c) ?? new VdiskError('E_AUTH_BAD_TOKEN', 'the token is not valid')) },
  });
}

/** For routes that change something: a read-only token gets 403. */
export const requireWrite = createMiddleware<GatewayEnv>(async (c, next) => {
  if (c.get('scope') !== 'write') throw new VdiskError('E_AUTH_SCOPE', 'this needs a token with the write scope');
  await next();
});
