// Route checks: the gateway in front of two agent-shaped upstreams on loopback, through app.request()
// on Node or over HTTP under workerd (the same checks for both).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/auth/hmac.js';
import { json, setup, type Setup, type SetupOptions } from '../helpers/setup.js';
import { moveRequest } from '../helpers/worlds.js';

export function routeChecks(opts: SetupOptions = {}) {
  let s: Setup;
  beforeAll(async () => {
    s = await setup(opts);
  });
  afterAll(async () => {
    await s.close();
  });

  async function preview(request: unknown = moveRequest) {
    const res = await s.request('/v1/plans', s.auth('read', json({ request })));
    return {
      res,
      body: (await res.json()) as {
        agent: string;
        plan: Record<string, unknown> & { id: string; host: string; steps: unknown[] };
        text: string;
      },
    };
  }

  describe('agents and inventory', () => {
    it('lists every configured agent with its health', async () => {
      const res = await s.request('/v1/agents', s.auth('read'));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual([
        { name: 'alpha', up: true, version: '0-test', roots: ['/pool1'], vms: [] },
        { name: 'beta', up: true, version: '0-test', roots: ['/pool1'], vms: [] },
      ]);
      const one = await s.request('/v1/agents/beta/health', s.auth('read'));
      expect(await one.json()).toMatchObject({ name: 'beta', up: true });
      const unknown = await s.request('/v1/agents/gamma/health', s.auth('read'));
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ code: 'E_GATEWAY_UNKNOWN_AGENT', agent: 'gamma' });
    });

    it('joins the inventories and says which agent serves which host', async () => {
      const res = await s.request('/v1/inventory', s.auth('read'));
      const body = (await res.json()) as {
        agents: unknown[];
        inventory: { volumes: { id: string }[]; pools: { id: string }[] };
      };
      expect(body.agents).toEqual([
        { name: 'alpha', up: true, hosts: ['h1'], ageMs: expect.any(Number) },
        { name: 'beta', up: true, hosts: ['h2'], ageMs: expect.any(Number) },
      ]);
      expect(body.inventory.volumes.map((v) => v.id).sort()).toEqual(['data', 'disk', 'remote']);
      expect(body.inventory.pools.map((p) => p.id).sort()).toEqual(['far', 'p1', 'p2']);
    });
  });

  describe('image data relay', () => {
    it('passes Range through and answers 206 with the bytes asked for', async () => {
      const res = await s.request(
        '/v1/agents/alpha/volumes/data/data',
        s.auth('read', { headers: { range: 'bytes=10-19' } }),
      );
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe('bytes 10-19/4096');
      expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
      expect(s.alpha.calls.at(-1)).toMatchObject({ method: 'GET', path: '/v1/volumes/data/data', verified: true });
      expect(s.alpha.calls.at(-1)!.headers.range).toBe('bytes=10-19');
    });

    it('answers HEAD with the size and no body; relays 416 and 404 as problems', async () => {
      const head = await s.request('/v1/agents/alpha/volumes/data/data', s.auth('read', { method: 'HEAD' }));
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe('4096');
      expect((await head.arrayBuffer()).byteLength).toBe(0);
      const past = await s.request(
        '/v1/agents/alpha/volumes/data/data',
        s.auth('read', { headers: { range: 'bytes=9000-9001' } }),
      );
      expect(past.status).toBe(416);
      expect(await past.json()).toMatchObject({ code: 'E_RANGE', agent: 'alpha' });
      const missing = await s.request('/v1/agents/alpha/volumes/nope/data', s.auth('read'));
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toBe('application/problem+json');
    });

    it('relays extents', async () => {
      const res = await s.request('/v1/agents/alpha/volumes/data/extents', s.auth('read'));
      expect(await res.json()).toEqual([
        { start: 0, length: 2048, zero: false, hole: false },
        { start: 2048, length: 2048, zero: true, hole: true },
      ]);
    });
  });

  describe('plans', () => {
    it('plans against the joined inventory and answers JSON and text without running anything', async () => {
      const before = s.alpha.calls.length;
      const { res, body } = await preview();
      expect(res.status).toBe(200);
      expect(body.agent).toBe('alpha');
      expect(body.plan).toMatchObject({ version: 1, kind: 'move', host: 'h1' });
      expect(body.plan.steps.length).toBeGreaterThan(2);
      expect(body.text).toContain(`plan ${body.plan.id}`);
      expect(s.alpha.calls.slice(before).map((c) => c.path)).toEqual(['/v1/inventory']);
    });

    it("relays the planner's refusal with its code", async () => {
      const res = await s.request(
        '/v1/plans',
        s.auth('read', json({ request: { kind: 'move', volume: 'ghost', toPool: 'p2' } })),
      );
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'E_PLAN_UNKNOWN_VOLUME', status: 404 });
    });
  });

  describe('jobs', () => {
    it('forwards a plan with its Idempotency-Key: 202 + Location, a retry gets the same job, another body 422', async () => {
      const {
        body: { plan },
      } = await preview();
      const key = `k-${Math.random()}`;
      const first = await s.request('/v1/jobs', s.auth('write', json({ plan }, { 'idempotency-key': key })));
      expect(first.status).toBe(202);
      const created = (await first.json()) as { id: string; agent: string };
      expect(created.id).toMatch(/^alpha~j\d+$/);
      expect(first.headers.get('location')).toBe(`/v1/jobs/${created.id}`);
      const sent = s.alpha.calls.filter((c) => c.method === 'POST' && c.path === '/v1/jobs').at(-1)!;
      expect(sent.headers['idempotency-key']).toBe(key);
      expect(JSON.parse(sent.body).plan.id).toBe(plan.id);

      const retry = await s.request('/v1/jobs', s.auth('write', json({ plan }, { 'idempotency-key': key })));
      expect(retry.status).toBe(200);
      expect(((await retry.json()) as { id: string }).id).toBe(created.id);
      expect(s.alpha.jobs.size).toBe(1);

      const other = await s.request(
        '/v1/jobs',
        s.auth('write', json({ plan: { ...plan, summary: 'changed' } }, { 'idempotency-key': key })),
      );
      expect(other.status).toBe(422);
      expect(await other.json()).toMatchObject({ code: 'E_IDEMPOTENCY_MISMATCH', agent: 'alpha' });
    });

    it('refuses a job without Idempotency-Key before calling any agent', async () => {
      const {
        body: { plan },
      } = await preview();
      const before = s.alpha.calls.length;
      const res = await s.request('/v1/jobs', s.auth('write', json({ plan })));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'E_GATEWAY_IDEMPOTENCY_KEY', field: 'Idempotency-Key' });
      expect(s.alpha.calls.length).toBe(before);
    });

    it('routes status, list and cancel by the agent named in the job id', async () => {
      const {
        body: { plan },
      } = await preview();
      const created = (await (
        await s.request('/v1/jobs', s.auth('write', json({ plan }, { 'idempotency-key': `k-${Math.random()}` })))
      ).json()) as { id: string };
      const status = await s.request(`/v1/jobs/${created.id}`, s.auth('read'));
      expect(await status.json()).toMatchObject({ id: created.id, agent: 'alpha', planId: plan.id, state: 'running' });
      const list = (await (await s.request('/v1/jobs', s.auth('read'))).json()) as {
        jobs: { id: string }[];
        agents: unknown[];
      };
      expect(list.jobs.map((j) => j.id)).toContain(created.id);
      expect(list.agents).toEqual([
        { name: 'alpha', up: true },
        { name: 'beta', up: true },
      ]);
      const cancel = await s.request(`/v1/jobs/${created.id}/cancel`, s.auth('write', { method: 'POST' }));
      expect(cancel.status).toBe(202);
      expect(await cancel.json()).toMatchObject({ id: created.id, state: 'cancelling' });
      const unknown = await s.request('/v1/jobs/beta~j99', s.auth('read'));
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ code: 'E_JOB_UNKNOWN', agent: 'beta' });
    });
  });

  describe('job list pages', () => {
    it('pages every agent with a cursor per agent: each job once, then next null; a forged cursor is 400', async () => {
      const {
        body: { plan },
      } = await preview();
      for (let i = 0; i < 3; i++)
        await s.request(
          '/v1/jobs',
          s.auth('write', json({ plan }, { 'idempotency-key': `page-${i}-${Math.random()}` })),
        );
      const all = (await (await s.request('/v1/jobs?limit=500', s.auth('read'))).json()) as {
        jobs: { id: string }[];
        next: string | null;
      };
      expect(all.next).toBeNull();
      expect(all.jobs.length).toBeGreaterThanOrEqual(3);
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages <= all.jobs.length; pages++) {
        const q: string = cursor ? `&cursor=${cursor}` : '';
        const page = (await (await s.request(`/v1/jobs?limit=1${q}`, s.auth('read'))).json()) as {
          jobs: { id: string }[];
          next: string | null;
        };
        expect(page.jobs.length).toBeLessThanOrEqual(2); // one per agent at most
        seen.push(...page.jobs.map((j) => j.id));
        cursor = page.next;
        if (!cursor) break;
      }
      expect(cursor).toBeNull();
      expect(seen.sort()).toEqual(all.jobs.map((j) => j.id).sort());
      const forged = await s.request(`/v1/jobs?cursor=${btoa(JSON.stringify({ gamma: 'c1' }))}`, s.auth('read'));
      expect([forged.status, ((await forged.json()) as { code: string }).code]).toEqual([400, 'E_GATEWAY_BAD_CURSOR']);
      const tooMany = await s.request('/v1/jobs?limit=501', s.auth('read'));
      expect(tooMany.status).toBe(400);
    });
  });

  describe('callers', () => {
    it("names the caller to the agents on every call: the token's name, or a name from its hash", async () => {
      const before = [s.alpha.calls.length, s.beta.calls.length];
      await s.request('/v1/agents', s.auth('read'));
      await s.request('/v1/inventory', s.auth('read'));
      await s.request('/v1/agents/alpha/volumes/data/extents', s.auth('read'));
      const readCalls = [...s.alpha.calls.slice(before[0]), ...s.beta.calls.slice(before[1])];
      const derived = `token-${(await sha256Hex(s.tokens.read)).slice(0, 12)}`;
      expect(readCalls.length).toBeGreaterThanOrEqual(5);
      expect(new Set(readCalls.map((c) => c.headers['x-vdisk-caller']))).toEqual(new Set([derived]));
      const {
        body: { plan },
      } = await preview();
      await s.request('/v1/jobs', s.auth('write', json({ plan }, { 'idempotency-key': `k-${Math.random()}` })));
      const sent = s.alpha.calls.filter((c) => c.method === 'POST' && c.path === '/v1/jobs').at(-1)!;
      expect(sent.headers['x-vdisk-caller']).toBe('ops');
      expect(JSON.stringify([...s.alpha.calls, ...s.beta.calls].map((c) => c.headers))).not.toContain(s.tokens.read);
    });
  });
}
