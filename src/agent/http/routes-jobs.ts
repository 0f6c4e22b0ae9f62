// Jobs over HTTP (docs/contracts.md): submit a plan (202 + Location; Idempotency-Key required),
// list, status, events as Server-Sent Events (ids, Last-Event-ID, heartbeats; capped per caller and
// per agent, src/agent/http/stream-caps.ts), cancel.
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { sha256Hex } from '../../auth/hmac.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import { RETRY_HINT_MS } from '../../ops/drain.js';
import type { Job } from '../jobs/job.js';
import { isFinal } from '../jobs/job-state.js';
import { parsePageQuery } from '../jobs/job-list.js';
import type { JobManager } from '../jobs/jobs.js';
import type { JobEvent } from '../jobs/job-events.js';
import type { AgentEnv } from './caller.js';
import type { StreamCaps } from './stream-caps.js';

export function jobRoutes(
  jobs: JobManager,
  heartbeatMs: number,
  streams: StreamCaps,
  draining?: AbortSignal,
): Hono<AgentEnv> {
  return (
    new Hono<AgentEnv>()
      .post('/v1/jobs', async (c) => {
        const key = c.req.header('idempotency-key');
        if (!key) throw new VdiskError('E_IDEMPOTENCY_KEY_REQUIRED');
        const raw = c.get('rawBody');
        let body: unknown;
        try {
          body = JSON.parse(new TextDecoder().decode(raw));
        } catch {
          throw new VdiskError('E_AGENT_BAD_REQUEST');
        }
        const { job, created } = await jobs.submit(body, key, await sha256Hex(raw), c.get('caller'));
        const ended = !created && isFinal(job.state);
        c.header('location', `/v1/jobs/${job.id}`);
        return c.json(job.status(), ended ? 200 : 202);
      })
      // The retry plan of a job's orphans and stuck steps, built by this agent from its own journaled
      // report: the same as POST /v1/jobs { retryOf }, idempotent by key.
      .post('/v1/jobs/:id/retry', async (c) => {
        const key = c.req.header('idempotency-key');
        if (!key) throw new VdiskError('E_IDEMPOTENCY_KEY_REQUIRED');
        const body = { retryOf: c.req.param('id') };
        const { job, created } = await jobs.submit(body, key, await sha256Hex(JSON.stringify(body)), c.get('caller'));
        c.header('location', `/v1/jobs/${job.id}`);
        return c.json(job.status(), !created && isFinal(job.state) ? 200 : 202);
      })
      .get('/v1/jobs', (c) => {
        const { limit, after } = parsePageQuery(c.req.query('limit'), c.req.query('cursor'));
        return c.json(jobs.page(limit, after));
      })
      .get('/v1/jobs/:id', (c) => c.json(jobs.get(c.req.param('id')).status()))
      .post('/v1/jobs/:id/cancel', (c) => c.json(jobs.cancel(c.req.param('id')).status(), 202))
      .get('/v1/jobs/:id/events', (c) => {
        const job = jobs.get(c.req.param('id'));
        const last = Number(c.req.header('last-event-id') ?? 0) || 0;
        const release = streams.acquire(c.get('caller'));
        return streamSSE(c, (stream) => followJob(stream, job, last, heartbeatMs, draining).finally(release));
      })
  );
}

/**
 * Events after `last`, then live ones until the job's `end` or the watcher leaves, with heartbeats.
 * When the agent drains, the stream gets a `retry:` hint and ends (the watcher resumes with Last-Event-ID).
 */
async function followJob(
  stream: SSEStreamingApi,
  job: Job,
  last: number,
  heartbeatMs: number,
  draining?: AbortSignal,
): Promise<void> {
  let chain = Promise.resolve();
  // Writes are queued: events and heartbeats must not interleave inside one frame.
  const write = (f: () => Promise<void>) => (chain = chain.then(f).catch(() => undefined));
  let finish!: () => void;
  const over = new Promise<void>((r) => (finish = r));
  const send = (e: JobEvent) => {
    write(() => stream.writeSSE({ id: String(e.id), event: e.event, data: JSON.stringify(e.data) }));
    if (e.event === 'end') finish();
  };
  const unfollow = job.events.follow(last, send);
  const beat = setInterval(() => write(() => stream.write(': heartbeat\n\n').then(() => undefined)), heartbeatMs);
  stream.onAbort(finish);
  const drained = () => {
    write(() => stream.write(`retry: ${RETRY_HINT_MS}\n\n`).then(() => undefined));
    finish();
  };
  if (draining?.aborted) drained();
  else draining?.addEventListener('abort', drained, { once: true });
  if (job.events.list.some((e) => e.event === 'end' && e.id <= last)) finish();
  await over;
  clearInterval(beat);
  draining?.removeEventListener('abort', drained);
  unfollow();
  await chain;
}
