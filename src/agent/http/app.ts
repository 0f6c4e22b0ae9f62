// The agent's Hono app: request log, HMAC auth on every route, health, inventory, volumes, jobs,
// and problem+json for every error. Runtime-neutral; src/agent/server.ts serves it on Node.
import { Hono } from 'hono';
import type { NonceCache } from '../../auth/hmac.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import type { AgentContext } from '../context.js';
import { buildInventory } from '../inventory.js';
import type { JobManager } from '../jobs.js';
import { hmacAuth, type AuthEnv } from './auth.js';
import { requestLog } from './logging.js';
import { problemResponse, toVdiskError } from './problem.js';
import { jobRoutes } from './routes-jobs.js';
import { volumeRoutes } from './routes-volumes.js';

export interface AppOptions { secret: string | readonly string[]; nonces?: NonceCache; clock?: () => number }

export function createAgentApp(ctx: AgentContext, jobs: JobManager, opts: AppOptions) {
  const app = new Hono<AuthEnv>();
  app.use('*', requestLog(ctx.log));
  app.use('*', hmacAuth(opts.secret, opts.nonces, opts.clock));
  app.onError((e) => {
    const err = toVdiskError(e);
    if (err.code === 'E_AGENT_INTERNAL') ctx.log('internal-error', { message: (e as Error).message, stack: (e as Error).stack });
    return problemResponse(err);
  });
  app.notFound(() => problemResponse(new VdiskError('E_AGENT_NOT_FOUND')));
  return app
    .get('/v1/health', (c) => c.json({ ok: true, agent: ctx.name, version: ctx.version, roots: ctx.roots.list.map((r) => r.name), vms: ctx.vms.names }))
    .get('/v1/inventory', async (c) => c.json((await buildInventory(ctx)).inventory))
    .route('/', volumeRoutes(ctx))
    .route('/', jobRoutes(jobs, ctx.timeouts.heartbeatMs));
}

export type AgentApp = ReturnType<typeof createAgentApp>;
