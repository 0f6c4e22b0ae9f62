// The gateway: one stateless Hono app that authenticates callers, validates requests, plans, and
// forwards to host agents with signed calls. Runtime-neutral (Web APIs only): Node serves it through
// cli.ts, workerd through worker.ts. `AppType` gives consoles and scripts a typed `hc` client.
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { except } from 'hono/combine';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { VdiskError } from '../errors/vdisk-error.js';
import { parseGatewayConfig, type GatewayConfigInput } from './config.js';
import { makeDeps, type Logger } from './deps.js';
import type { GatewayEnv } from './env.js';
import { type Drain, gatewayDrainGuard } from './drain.js';
import { accessLog } from './middleware/access-log.js';
import { requestId } from './middleware/request-id.js';
import { authenticate } from './middleware/auth.js';
import { shedLoad } from './middleware/overload.js';
import { validationHook } from './middleware/validation-hook.js';
import { answerError, problemResponse, toVdiskError } from './problem.js';
import { agentRoutes } from './routes/agents.js';
import { addDocs } from './routes/docs.js';
import { imageDataRoutes } from './routes/image-data.js';
import { inventoryRoutes } from './routes/inventory.js';
import { jobEventRoutes } from './routes/job-events.js';
import { jobRoutes } from './routes/jobs.js';
import { opsRoutes } from './routes/ops.js';
import { planRoutes } from './routes/plans.js';

export interface GatewayOptions {
  /** How to reach agents (default: the global fetch). */
  fetch?: typeof fetch;
  log?: Logger;
  /** Now, for session expiry (tests inject one). */
  clock?: () => number;
  /** Now, for the inventory cache's TTL (tests inject one). */
  cacheClock?: () => number;
  /** Started by the Node server on SIGTERM (src/gateway/drain.ts); default: never drains. */
  drain?: Drain;
}

const PUBLIC = ['/v1/health', '/v1/ready', '/v1/openapi.json', '/v1/docs'];

export function createGatewayApp(input: GatewayConfigInput, opts: GatewayOptions = {}) {
  const config = parseGatewayConfig(input);
  const deps = makeDeps(config, opts);
  const app = new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook });
  app.use(
    '*',
    requestId,
    accessLog(deps.log, deps.metrics),
    secureHeaders(),
    gatewayDrainGuard(deps.drain),
    shedLoad(config.maxInFlight),
  );
  app.use(
    '/v1/*',
    cors({
      origin: config.corsOrigins,
      allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'Last-Event-ID', 'Range', 'X-Request-Id'],
      exposeHeaders: [
        'X-Request-Id',
        'Location',
        'Content-Range',
        'Content-Length',
        'Accept-Ranges',
        'WWW-Authenticate',
        'Retry-After',
      ],
      maxAge: 600,
    }),
  );
  const auth = authenticate(
    config.tokens,
    config.sessionSecret ? { secret: config.sessionSecret, clock: opts.clock ?? Date.now } : undefined,
  );
  app.use('/v1/*', except(PUBLIC, auth));
  app.use('/metrics', auth);
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: config.maxBodyBytes,
      onError: () =>
        problemResponse(new VdiskError('E_GATEWAY_BODY_TOO_LARGE', `the body is over ${config.maxBodyBytes} bytes`)),
    }),
  );
  app.get('/v1/health', (c) => c.json({ ok: true, agents: config.agents.map((a) => a.name) }));
  addDocs(app);
  app.onError((e) => {
    const err = toVdiskError(e);
    if (err.code === 'E_GATEWAY_INTERNAL')
      deps.log({ level: 'error', msg: 'unexpected error', error: String((e as Error)?.stack ?? e) });
    else if (err.detail.cause !== undefined)
      deps.log({ level: 'warn', msg: err.message, code: String(err.code), cause: err.detail.cause });
    return answerError(e);
  });
  app.notFound((c) => problemResponse(new VdiskError('E_GATEWAY_NOT_FOUND', `no route ${c.req.method} ${c.req.path}`)));
  return app
    .route('/', agentRoutes(deps))
    .route('/', inventoryRoutes(deps))
    .route('/', imageDataRoutes(deps))
    .route('/', planRoutes(deps))
    .route('/', jobRoutes(deps))
    .route('/', jobEventRoutes(deps))
    .route('/', opsRoutes(deps));
}

export type AppType = ReturnType<typeof createGatewayApp>;
