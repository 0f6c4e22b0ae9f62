// Bearer tokens with scopes and names, on hono's bearer-auth: every configured token is compared in
// constant time (no early exit, so timing tells neither which token nor how much matched), and the
// matching token's scope and name are left on the context: the scope for `requireWrite`, the name
// for the agents (x-vdisk-caller). A token without a name is named from its hash, never its text.
// With a session secret, console session tokens are accepted until they expire (then 401
// E_AUTH_SESSION_EXPIRED, so the console asks again); their caller name is `console-session`.
import { bearerAuth } from 'hono/bearer-auth';
import { createMiddleware } from 'hono/factory';
import { sha256Hex, timingSafeEqualStr } from '../../auth/hmac.js';
import { looksLikeSession, verifySession } from '../../auth/session-token.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import type { GatewayConfig, Scope } from '../config.js';
import type { GatewayEnv } from '../env.js';
import { problemResponse } from '../problem.js';

/** `token-` and 12 hex digits of the token's SHA-256: stable, short, and says nothing usable about it. */
export const derivedTokenName = async (token: string) => `token-${(await sha256Hex(token)).slice(0, 12)}`;

export interface SessionCheck {
  secret: string;
  clock: () => number;
}

export function authenticate(tokens: GatewayConfig['tokens'], sessions?: SessionCheck) {
  const refuse = (code: string, message: string) => () => problemResponse(new VdiskError(code, message));
  const names = tokens.map((t) => (t.name !== undefined ? Promise.resolve(t.name) : derivedTokenName(t.token)));
  // Why a session token was refused (expired or not), for the 401's code.
  const failures = new WeakMap<object, VdiskError>();
  return bearerAuth<GatewayEnv>({
    verifyToken: async (presented, c) => {
      let match: number | undefined;
      // Every token is compared (no early exit); a write entry wins when one string is listed twice.
      tokens.forEach((t, i) => {
        const equal = timingSafeEqualStr(t.token, presented);
        if (equal && (match === undefined || t.scope === 'write')) match = i;
      });
      let scope: Scope | undefined = match === undefined ? undefined : (tokens[match]!.scope as Scope);
      if (scope === undefined && sessions && looksLikeSession(presented)) {
        scope = await verifySession(sessions.secret, presented, sessions.clock()).catch((e: VdiskError) => {
          failures.set(c, e);
          return undefined;
        });
      }
      if (scope === undefined) return false;
      c.set('scope', scope);
      c.set('caller', match === undefined ? 'console-session' : await names[match]!);
      return true;
    },
    noAuthenticationHeader: { message: refuse('E_AUTH_MISSING', 'send Authorization: Bearer TOKEN') },
    invalidAuthenticationHeader: {
      message: refuse('E_AUTH_BAD_TOKEN', 'the Authorization header is not "Bearer TOKEN"'),
    },
    invalidToken: {
      message: (c) => problemResponse(failures.get(c) ?? new VdiskError('E_AUTH_BAD_TOKEN', 'the token is not valid')),
    },
  });
}

/** For routes that change something: a read-only token gets 403. */
export const requireWrite = createMiddleware<GatewayEnv>(async (c, next) => {
  if (c.get('scope') !== 'write') throw new VdiskError('E_AUTH_SCOPE', 'this needs a token with the write scope');
  await next();
});
