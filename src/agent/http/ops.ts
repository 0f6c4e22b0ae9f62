// The agent's operator routes, signed like every other: GET /v1/ready (200 once the journal has been
// recovered; 503 E_AGENT_NOT_READY before, E_AGENT_DRAINING while stopping) and GET /metrics
// (Prometheus text): requests by route and status, latency histograms, jobs by state, event streams
// open, requests in flight and whether it drains.
import { Hono } from 'hono';
import { routePath } from 'hono/route';
import type { MiddlewareHandler } from 'hono';
import { VdiskError } from '../../errors/vdisk-error.js';
import { drainGuard, type Drain } from '../../ops/drain.js';
import { METRICS_CONTENT_TYPE, Registry } from '../../ops/metrics.js';
import { JOB_STATE_NEXT } from '../jobs/job-state.js';
import type { JobManager } from '../jobs/jobs.js';
import type { AgentEnv } from './caller.js';
import { problemResponse } from './problem.js';
import type { StreamCaps } from './stream-caps.js';

export interface AgentOps {
  drain: Drain;
  /** Set once the journal has been recovered (agent.start()). */
  recovered: boolean;
}

export const agentDrainGuard = (ops: AgentOps) =>
  drainGuard(ops.drain, ['/v1/health', '/v1/ready', '/metrics'], () =>
    problemResponse(new VdiskError('E_AGENT_DRAINING')),
  );

export function agentMetrics(ops: AgentOps, jobs: JobManager, streams: StreamCaps) {
  const registry = new Registry();
  const requests = registry.counter(
    'vdisk_agent_requests_total',
    'Requests answered, by route pattern, method and status.',
  );
  const latency = registry.histogram(
    'vdisk_agent_request_duration_seconds',
    'Time to answer (to the first byte for streams), by route pattern.',
  );
  registry.gauge('vdisk_agent_jobs', 'Jobs held in memory, by state.', () => {
    const by = new Map(Object.keys(JOB_STATE_NEXT).map((s) => [s, 0]));
    for (const j of jobs.jobs.values()) by.set(j.state, (by.get(j.state) ?? 0) + 1);
    return [...by].map(([state, value]) => ({ labels: { state }, value }));
  });
  registry.gauge('vdisk_agent_sse_streams_open', 'Job event streams served now.', () => [{ value: streams.open }]);
  registry.gauge('vdisk_agent_requests_in_flight', 'Requests being answered now (streams included).', () => [
    { value: ops.drain.active },
  ]);
  registry.gauge('vdisk_agent_draining', '1 while the agent is stopping.', () => [
    { value: ops.drain.draining ? 1 : 0 },
  ]);
  registry.gauge('vdisk_agent_ready', '1 once the journal has been recovered and while not draining.', () => [
    { value: ops.recovered && !ops.drain.draining ? 1 : 0 },
  ]);
  const count: MiddlewareHandler = async (c, next) => {
    const start = performance.now();
    await next();
    const pattern = routePath(c, -1);
    const route = pattern.includes('*') ? 'unmatched' : pattern;
    requests.inc({ route, method: c.req.method, status: String(c.res.status) });
    latency.observe({ route }, (performance.now() - start) / 1000);
  };
  return { registry, count };
}

export function opsRoutes(ops: AgentOps, registry: Registry): Hono<AgentEnv> {
  return new Hono<AgentEnv>()
    .get('/v1/ready', (c) => {
      if (ops.drain.draining) throw new VdiskError('E_AGENT_DRAINING');
      if (!ops.recovered) throw new VdiskError('E_AGENT_NOT_READY');
      return c.json({ ready: true });
    })
    .get('/metrics', (c) => c.text(registry.render(), 200, { 'content-type': METRICS_CONTENT_TYPE }));
}
