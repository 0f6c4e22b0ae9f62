// An agent-shaped upstream for gateway tests, following docs/contracts.md: it verifies every call's
// HMAC signature with the real `verifyRequest` (refusing with 401 like an agent), keeps idempotency
// keys with body digests, serves image bytes with Range, and streams job events with ids and
// Last-Event-ID resume. It does not run plans: the test drives job events with `emit`.
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { NonceCache, sha256Hex, verifyRequest } from '../../../src/auth/hmac.js';
import { isVdiskError } from '../../../src/errors/vdisk-error.js';
import type { InventoryInput } from '../../../src/plan/inventory.js';

export interface SeenCall {
  method: string;
  path: string;
  verified: true | string;
  headers: Record<string, string>;
  body: string;
}
interface Job {
  status: Record<string, unknown>;
  events: { id: number; event: string; data: string }[];
  wake: (() => void)[];
}

export interface FakeAgent {
  name: string;
  url: string;
  secret: string;
  port: number;
  calls: SeenCall[];
  jobs: Map<string, Job>;
  /** Replaces the inventory (a new generation, so a new ETag). */
  setInventory(inventory: InventoryInput): void;
  /** Holds every GET /v1/inventory until the returned function is called (a slow agent, on cue). */
  holdInventory(): () => void;
  /** Inventory calls answered with a body (200) and with 304. */
  inventoryAnswers: { full: number; notModified: number };
  emit(jobId: string, event: string, data: unknown): void;
  close(): Promise<void>;
}

const problem = (status: number, code: string, detail: string) =>
  new Response(JSON.stringify({ type: 'about:blank', title: code, status, code, detail }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });

export interface FakeAgentOptions {
  name: string;
  secret: string;
  inventory: InventoryInput;
  image?: Uint8Array;
  heartbeatMs?: number;
  /** Answers GET /v1/inventory with `ETag: "<generation>"` and If-None-Match with 304, as agents do. */
  etag?: boolean;
  /** GET /v1/inventory never answers (a hung agent). */
  hang?: boolean;
}

export async function startFakeAgent(opts: FakeAgentOptions): Promise<FakeAgent> {
  let inventory = opts.inventory;
  let generation = 1;
  let held: Promise<void> | undefined;
  const inventoryAnswers = { full: 0, notModified: 0 };
  const calls: SeenCall[] = [];
  const jobs = new Map<string, Job>();
  const keys = new Map<string, { digest: string; id: string }>();
  const nonces = new NonceCache();
  const image = opts.image ?? new Uint8Array(4096).map((_, i) => i % 251);
  const app = new Hono();

  app.use('*', async (c, next) => {
    const body = c.req.method === 'GET' || c.req.method === 'HEAD' ? '' : await c.req.text();
    const url = new URL(c.req.url);
    const call: SeenCall = {
      method: c.req.method,
      path: url.pathname + url.search,
      verified: true,
      headers: Object.fromEntries(c.req.raw.headers),
      body,
    };
    calls.push(call);
    try {
      await verifyRequest(
        opts.secret,
        {
          agent: opts.name,
          method: c.req.method,
          host: url.host,
          pathAndQuery: call.path,
          body,
          header: (n) => c.req.header(n),
        },
        nonces,
      );
    } catch (e) {
      call.verified = isVdiskError(e) ? String(e.code) : String(e);
      return problem(401, call.verified, 'refused');
    }
    await next();
  });
  app.get('/v1/health', (c) => c.json({ ok: true, agent: opts.name, version: '0-test', roots: ['/pool1'], vms: [] }));
  app.get('/v1/inventory', async (c) => {
    if (opts.hang) await new Promise(() => {});
    await held;
    const tag = `"${generation}"`;
    if (opts.etag && c.req.header('if-none-match') === tag) {
      inventoryAnswers.notModified++;
      return new Response(null, { status: 304, headers: { etag: tag } });
    }
    inventoryAnswers.full++;
    return c.json(inventory, 200, opts.etag ? { etag: tag } : {});
  });
  app.on(['GET', 'HEAD'], '/v1/volumes/:id/data', (c) => {
    if (c.req.param('id') !== 'data') return problem(404, 'E_NOT_FOUND', `no volume ${c.req.param('id')}`);
    const m = /^bytes=(\d+)-(\d*)$/.exec(c.req.header('range') ?? '');
    if (!m)
      return new Response(c.req.method === 'HEAD' ? null : (image as BodyInit), {
        headers: {
          'content-length': String(image.length),
          'accept-ranges': 'bytes',
          'content-type': 'application/octet-stream',
        },
      });
    const a = Number(m[1]);
    const b = Math.min(m[2] ? Number(m[2]) : image.length - 1, image.length - 1);
    if (a >= image.length || b < a) return problem(416, 'E_RANGE', 'range outside the image');
    return new Response(image.slice(a, b + 1) as BodyInit, {
      status: 206,
      headers: { 'content-range': `bytes ${a}-${b}/${image.length}`, 'content-type': 'application/octet-stream' },
    });
  });
  app.get('/v1/volumes/:id/extents', (c) =>
    c.json([
      { start: 0, length: 2048, zero: false, hole: false },
      { start: 2048, length: 2048, zero: true, hole: true },
    ]),
  );
  app.post('/v1/jobs', async (c) => {
    const key = c.req.header('idempotency-key');
    if (!key) return problem(400, 'E_IDEMPOTENCY_KEY', 'Idempotency-Key required');
    const text = await c.req.text();
    const digest = await sha256Hex(text);
    const seen = keys.get(key);
    if (seen && seen.digest !== digest) return problem(422, 'E_IDEMPOTENCY_MISMATCH', 'key reused with another body');
    if (seen) return c.json({ id: seen.id }, 200);
    const plan = (JSON.parse(text) as { plan: { id: string; kind: string } }).plan;
    const id = `j${jobs.size + 1}`;
    const now = new Date().toISOString();
    jobs.set(id, {
      status: { id, planId: plan.id, kind: plan.kind, state: 'running', progress: 0, createdAt: now, updatedAt: now },
      events: [],
      wake: [],
    });
    keys.set(key, { digest, id });
    c.header('Location', `/v1/jobs/${id}`);
    return c.json({ id }, 202);
  });
  // Pages newest first as agents do; this agent's cursor `cN` means "jobs before jN".
  app.get('/v1/jobs', (c) => {
    const limit = Number(c.req.query('limit') ?? 100);
    const before = Number((c.req.query('cursor') ?? `c${jobs.size + 1}`).slice(1));
    const older = [...jobs.values()]
      .map((j, i) => ({ n: i + 1, status: j.status }))
      .filter((j) => j.n < before)
      .reverse();
    const page = older.slice(0, limit);
    return c.json({ jobs: page.map((j) => j.status), next: older.length > limit ? `c${page.at(-1)!.n}` : null });
  });
  app.get('/v1/jobs/:id', (c) => {
    const job = jobs.get(c.req.param('id'));
    return job ? c.json(job.status) : problem(404, 'E_JOB_UNKNOWN', 'no such job');
  });
  app.post('/v1/jobs/:id/cancel', (c) => {
    const job = jobs.get(c.req.param('id'));
    if (!job) return problem(404, 'E_JOB_UNKNOWN', 'no such job');
    job.status = { ...job.status, state: 'cancelling' };
    return c.json(job.status, 202);
  });
  app.get('/v1/jobs/:id/events', (c) => {
    // A caller over the agent's stream cap (src/agent/http/stream-caps.ts).
    if (c.req.param('id') === 'crowded') {
      const res = problem(429, 'E_AGENT_TOO_MANY_STREAMS', 'too many event streams');
      res.headers.set('retry-after', '5');
      return res;
    }
    const job = jobs.get(c.req.param('id'));
    if (!job) return problem(404, 'E_JOB_UNKNOWN', 'no such job');
    let next = Number(c.req.header('last-event-id') ?? 0) + 1;
    return streamSSE(c, async (s) => {
      await s.write(': agent heartbeat\n\n');
      for (;;) {
        while (next <= job.events.length) {
          const ev = job.events[next - 1]!;
          await s.writeSSE({ id: String(ev.id), event: ev.event, data: ev.data });
          next++;
          if (ev.event === 'end') return;
        }
        await new Promise<void>((r) => job.wake.push(r));
      }
    });
  });

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const port = (server.address() as { port: number }).port;
  return {
    name: opts.name,
    url: `http://127.0.0.1:${port}`,
    secret: opts.secret,
    port,
    calls,
    jobs,
    inventoryAnswers,
    setInventory(next) {
      inventory = next;
      generation++;
    },
    holdInventory() {
      let release!: () => void;
      held = new Promise((r) => (release = r));
      return () => {
        held = undefined;
        release();
      };
    },
    emit(jobId, event, data) {
      const job = jobs.get(jobId)!;
      job.events.push({ id: job.events.length + 1, event, data: JSON.stringify(data) });
      for (const w of job.wake.splice(0)) w();
    },
    close: () =>
      new Promise((r) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => r());
      }),
  };
}
