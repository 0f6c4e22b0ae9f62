// The agent's Hono app: request log and metrics, drain, HMAC auth on every route, health, readiness,
// metrics, inventory, volumes, jobs, and problem+json for every error. Runtime-neutral; src/agent/server.ts serves it on Node.
import { Hono } from 'hono';
import type { NonceStore } from '../../auth/hmac.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import { DEFAULT_LIMITS } from '../config.js';
import type { AgentContext } from '../context.js';
import type { JobManager } from '../jobs/jobs.js';
import { hmacAuth } from './auth.js';
import { callerName, type AgentEnv } from './caller.js';
import { requestLog } from './logging.js';
import { Drain } from '../../ops/drain.js';
import { agentDrainGuard, agentMetrics, opsRoutes, type AgentOps } from './ops.js';
import { publicError } from '../public-error.js';
import { problemResponse, toVdiskError } from './problem.js';
import { StreamCaps } from './stream-caps.js';
import { jobRoutes } from './routes-jobs.js';
import { inventoryRoutes } from './routes-inventory.js';
import { volumeRoutes } from './routes-volumes.js';

export interface AppOptions {
  agent: string;
  secret: string | readonly string[];
  maxBodyBytes: number;
  nonces?: NonceStore;
  clock?: () => number;
  streams?: StreamCaps;
  /** Readiness and drain (src/agent/http/ops.ts); default: ready, never draining. */
  ops?: AgentOps;
}

export function createAgentApp(ctx: AgentContext, jobs: JobManager, opts: AppOptions) {
  const app = new Hono<AgentEnv>();
  const ops = opts.ops ?? { drain: new Drain(), recovered: true };
  const streams = opts.streams ?? new StreamCaps(DEFAULT_LIMITS.maxStreams, DEFAULT_LIMITS.maxStreamsPerCaller);
  const metrics = agentMetrics(ops, jobs, streams);
  app.use('*', requestLog(ctx.log), metrics.count, agentDrainGuard(ops));
  app.use('*', hmacAuth(opts));
  app.use('*', callerName);
  app.onError((e) => {
    const err = toVdiskError(e);
    if (err.code === 'E_AGENT_INTERNAL')
      ctx.log('internal-error', { message: (e as Error).message, stack: (e as Error).stack });
    const safe = publicError(err, ctx.roots);
    if (safe.message !== err.message || err.detail.resolved !== undefined)
      ctx.log('error-detail', { code: err.code, message: err.message, ...err.detail });
    return problemResponse(safe);
  });
  app.notFound(() => problemResponse(new VdiskError('E_AGENT_NOT_FOUND')));
  return app
    .get('/v1/health', (c) =>
      c.json({
        ok: true,
        agent: ctx.name,
        version: ctx.version,
        roots: ctx.roots.list.map((r) => r.name),
        vms: ctx.vms.names,
      }),
    )
    .route('/', inventoryRoutes(ctx))
    .route('/', volumeRoutes(ctx))
    .route('/', jobRoutes(jobs, ctx.timeouts.heartbeatMs, streams, ops.drain.signal))
    .route('/', opsRoutes(ops, metrics.registry));
}

export type AgentApp = ReturnType<typeof createAgentApp>;
