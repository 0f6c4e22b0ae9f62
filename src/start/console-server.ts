// The one HTTP origin `vdisk start` serves on 127.0.0.1: the console's files, its configuration,
// the login exchange (a single-use link for a session token that expires), and the gateway app under
// /v1 (same origin, so no CORS and OPFS works).
import { problemResponse } from '../errors/problem.js';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { VdiskError } from '../errors/vdisk-error.js';
import { describeCode } from '../errors/codes.js';
import type { LoginTokens } from './login-token.js';
import { quietEvents } from './quiet-events.js';

export interface ConsoleServerOptions {
  /** dist/web: the built console, worker and engine. */
  webRoot: string;
  /** What the console reads at start (gateway, live operations). */
  config?: Record<string, unknown>;
  /** Redeems login links; `session()` mints the session token handed out (never a standing token). */
  login?: { tokens: LoginTokens; session: () => Promise<{ token: string; expiresAt: number }> };
  /** The gateway app (anything with a fetch), mounted at /v1. */
  gateway?: { fetch(req: Request): Response | Promise<Response> };
}

/** A refused login answers 401 whatever its code's table status (500 there means "not for callers"). */
function problem(e: VdiskError): Response {
  const status = describeCode(e.code).http === 500 ? 401 : describeCode(e.code).http;
  return problemResponse(e, { status, publicKeys: ['hint'] });
}

export function consoleServer(o: ConsoleServerOptions): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    // The worker fetches the engine; nothing here is meant to be framed or sniffed.
    c.header('x-content-type-options', 'nosniff');
    c.header('cache-control', 'no-store');
  });
  app.get('/console-config.json', (c) => c.json(o.config ?? {}));
  app.post('/console/login', async (c) => {
    if (!o.login) return problem(new VdiskError('E_GATEWAY_LOGIN', 'this server has no gateway to log in to'));
    const { token } = (await c.req.json().catch(() => ({}))) as { token?: string };
    try {
      await o.login.tokens.redeem(String(token ?? ''));
    } catch (e) {
      if (e instanceof VdiskError) return problem(e);
      throw e;
    }
    const s = await o.login.session();
    return c.json({ token: s.token, expiresAt: new Date(s.expiresAt).toISOString() });
  });
  if (o.gateway) {
    const gw = o.gateway;
    app.all('/v1/*', async (c) => quietEvents(await gw.fetch(c.req.raw)));
  }
  app.use(
    '/*',
    serveStatic({
      root: o.webRoot,
      onFound: (path, c) => {
        if (path.endsWith('.wasm')) c.header('content-type', 'application/wasm');
      },
    }),
  );
  return app;
}
