// GET /v1/jobs/{id}/events: the agent's Server-Sent Events relayed with their ids, so a client that
// reconnects with Last-Event-ID resumes where it left off (the agent replays from there; the gateway
// keeps nothing). The gateway sends its own heartbeat comments so idle streams survive proxies.
import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { callAgent } from '../agent-client.js';
import { RETRY_HINT_MS } from '../drain.js';
import type { GatewayDeps } from '../deps.js';
import { parseJobId, publicJobId } from '../job-id.js';
import { readSse } from '../sse-parse.js';
import { AGENT_ERRORS, COMMON_ERRORS, EventHeaders, JobParam, problem } from '../schemas.js';
import { BEARER, router } from './router.js';
import { who } from '../middleware/request-id.js';

const route = createRoute({
  method: 'get',
  path: '/v1/jobs/{id}/events',
  tags: ['jobs'],
  security: BEARER,
  summary: 'Job events as Server-Sent Events (state, progress, step, end); resumable with Last-Event-ID',
  request: { params: JobParam, headers: EventHeaders },
  responses: {
    200: {
      content: { 'text/event-stream': { schema: z.string() } },
      description: 'event stream; ends after the `end` event',
    },
    429: problem(
      'the agent serves too many event streams (for this caller or in all); Retry-After says when to try again',
    ),
    ...COMMON_ERRORS,
    ...AGENT_ERRORS,
  },
});

/** Job ids inside event data are the agent's; clients know the public ones. */
function publicData(data: string, agent: string, id: string): string {
  try {
    const v = JSON.parse(data) as unknown;
    if (v && typeof v === 'object' && (v as { id?: unknown }).id === id)
      return JSON.stringify({ ...v, id: publicJobId(agent, id) });
  } catch {
    /* not JSON: relayed as is */
  }
  return data;
}

export const jobEventRoutes = (deps: GatewayDeps) =>
  router().openapi(route, async (c) => {
    const { agent, id } = parseJobId(c.req.valid('param').id);
    const last = c.req.valid('header')['last-event-id'];
    const upstream = new AbortController();
    // Connect before answering, so an unknown job or a down agent is a plain problem+json error.
    const res = await callAgent(deps.call, deps.agent(agent), {
      method: 'GET',
      path: `/v1/jobs/${encodeURIComponent(id)}/events`,
      stream: true,
      signal: upstream.signal,
      ...who(c),
      headers: { accept: 'text/event-stream', ...(last !== undefined && { 'last-event-id': last }) },
    });
    return streamSSE(c, async (stream) => {
      const beat = setInterval(() => {
        stream.write(': heartbeat\n\n').catch(() => {});
      }, deps.config.heartbeatMs);
      stream.onAbort(() => upstream.abort());
      // Draining: tell the client when to reconnect (to another copy, with Last-Event-ID), then end.
      const drained = () => {
        stream
          .write(`retry: ${RETRY_HINT_MS}\n\n`)
          .catch(() => {})
          .finally(() => upstream.abort());
      };
      deps.drain.signal.addEventListener('abort', drained, { once: true });
      deps.metrics.streams.open++;
      try {
        for await (const ev of readSse(res.body!)) {
          if (ev.event === 'end' || ev.event === 'switched') deps.inventories.invalidate(agent);
          await stream.writeSSE({ ...ev, data: publicData(ev.data, agent, id) });
          if (ev.event === 'end') break;
        }
      } catch (e) {
        if (!upstream.signal.aborted)
          deps.log({
            level: 'warn',
            msg: 'event relay ended',
            agent,
            cause: String((e as Error)?.message ?? e),
            requestId: c.get('requestId'),
          });
      } finally {
        deps.metrics.streams.open--;
        deps.drain.signal.removeEventListener('abort', drained);
        clearInterval(beat);
        upstream.abort();
      }
    });
  });
