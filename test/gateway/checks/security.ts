// Security: tokens and scopes, validation before forwarding, body limits, CORS, path traversal,
// forged and replayed signatures, a down agent, and no secret in any log line or answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, rand, setup, type Setup, type SetupOptions } from '../helpers/setup.js';
import { moveRequest } from '../helpers/worlds.js';

/** The token with its last character changed: always a different character, whatever the random token ends in. */
export function offByOne(token: string): string {
  return token.slice(0, -1) + (token.endsWith('0') ? '1' : '0');
}

export function securityChecks(opts: SetupOptions = {}) {
  let s: Setup;
  const answers: string[] = [];
  async function req(path: string, init?: RequestInit) {
    const res = await s.request(path, init);
    const text = await res.clone().text();
    answers.push(text, JSON.stringify([...res.headers]));
    return {
      res,
      text,
      body: (() => {
        try {
          return JSON.parse(text);
        } catch {
          return undefined;
        }
      })(),
    };
  }
  beforeAll(async () => {
    s = await setup({ corsOrigins: ['https://console.example'], maxBodyBytes: 64 * 1024, ...opts });
  });
  afterAll(async () => {
    await s.close();
  });

  describe('bearer tokens', () => {
    it('builds an off-by-one token that differs in its last character only, for every last character', () => {
      for (const last of '0123456789abcdef') {
        const token = `w1234${last}`;
        expect(offByOne(token)).not.toBe(token);
        expect(offByOne(token).slice(0, -1)).toBe(token.slice(0, -1));
      }
    });

    it.each([
      ['no header', {}, 401, 'E_AUTH_MISSING'],
      ['a wrong token', { authorization: `Bearer x${rand()}` }, 401, 'E_AUTH_BAD_TOKEN'],
      ['a malformed header', { authorization: 'Basic abc' }, 401, 'E_AUTH_BAD_TOKEN'],
      ['a token one character off', 'off-by-one', 401, 'E_AUTH_BAD_TOKEN'],
    ] as const)('refuses %s with 401 and a problem', async (_n, headers, status, code) => {
      const h = headers === 'off-by-one' ? { authorization: `Bearer ${offByOne(s.tokens.write)}` } : headers;
      const { res, body } = await req('/v1/inventory', { headers: h });
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(body).toMatchObject({ status, code });
    });

    it('lets a read token read but not start or cancel jobs (403)', async () => {
      expect((await req('/v1/inventory', s.auth('read'))).res.status).toBe(200);
      const before = s.alpha.calls.length;
      const start = await req('/v1/jobs', s.auth('read', json({ plan: {} }, { 'idempotency-key': 'k1' })));
      expect(start.res.status).toBe(403);
      expect(start.body).toMatchObject({ code: 'E_AUTH_SCOPE' });
      const cancel = await req('/v1/jobs/alpha~j1/cancel', s.auth('read', { method: 'POST' }));
      expect(cancel.res.status).toBe(403);
      expect(s.alpha.calls.length).toBe(before);
    });

    it('leaves the documentation and liveness public', async () => {
      for (const p of ['/v1/health', '/v1/openapi.json', '/v1/docs']) expect((await req(p)).res.status).toBe(200);
    });
  });

  describe('validation before forwarding', () => {
    it('answers 400 E_GATEWAY_BAD_JSON for malformed JSON', async () => {
      const { res, body } = await req(
        '/v1/plans',
        s.auth('read', { method: 'POST', body: '{"request": ', headers: { 'content-type': 'application/json' } }),
      );
      expect(res.status).toBe(400);
      expect(body).toMatchObject({ code: 'E_GATEWAY_BAD_JSON' });
    });

    it('answers 400 with the offending field for schema violations, and calls no agent', async () => {
      const before = s.alpha.calls.length + s.beta.calls.length;
      const bad = await req(
        '/v1/plans',
        s.auth('read', json({ request: { kind: 'move', volume: 'data', toPool: 7 } })),
      );
      expect(bad.res.status).toBe(400);
      expect(bad.body).toMatchObject({ code: 'E_GATEWAY_BAD_REQUEST', field: 'request.toPool' });
      const kind = await req('/v1/plans', s.auth('read', json({ request: { kind: 'format-disk' } })));
      expect(kind.body).toMatchObject({ code: 'E_GATEWAY_BAD_REQUEST', field: 'request.kind' });
      const plan = await req(
        '/v1/jobs',
        s.auth('write', json({ plan: { version: 1, kind: 'move', steps: 'all' } }, { 'idempotency-key': 'k2' })),
      );
      expect(plan.res.status).toBe(400);
      expect(plan.body.field).toMatch(/^plan\./);
      expect(s.alpha.calls.length + s.beta.calls.length).toBe(before);
    });

    it.each([
      '/v1/agents/alpha/volumes/..%2F..%2Fetc%2Fpasswd/data',
      '/v1/agents/alpha/volumes/..%2F/extents',
      '/v1/agents/alpha/volumes/%2Fetc%2Fshadow/data',
      '/v1/agents/alpha/volumes/a..b/data',
      '/v1/jobs/alpha~..%2F..%2Fvolumes%2Fdata%2Fdata',
      '/v1/agents/ALPHA%2F..%2Fbeta/health',
    ])('refuses the path-traversal id in %s with 400 E_GATEWAY_BAD_ID, calling no agent', async (path) => {
      const before = s.alpha.calls.length + s.beta.calls.length;
      const { res, body } = await req(path, s.auth('read'));
      expect(res.status).toBe(400);
      expect(body).toMatchObject({ code: 'E_GATEWAY_BAD_ID' });
      expect(s.alpha.calls.length + s.beta.calls.length).toBe(before);
    });

    it('answers 413 for an oversized body, with or without Content-Length', async () => {
      const big = JSON.stringify({ request: { ...moveRequest, pad: 'x'.repeat(100 * 1024) } });
      const sized = await req(
        '/v1/plans',
        s.auth('read', {
          method: 'POST',
          body: big,
          headers: { 'content-type': 'application/json', 'content-length': String(big.length) },
        }),
      );
      expect(sized.res.status).toBe(413);
      expect(sized.body).toMatchObject({ code: 'E_GATEWAY_BODY_TOO_LARGE' });
      const stream = new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode(big));
          c.close();
        },
      });
      const chunked = await req(
        '/v1/plans',
        s.auth('read', {
          method: 'POST',
          body: stream,
          headers: { 'content-type': 'application/json' },
          duplex: 'half',
        } as RequestInit),
      );
      expect(chunked.res.status).toBe(413);
    });
  });

  describe('CORS', () => {
    it('allows the configured origin, preflight included', async () => {
      const pre = await req('/v1/jobs', {
        method: 'OPTIONS',
        headers: {
          origin: 'https://console.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,idempotency-key',
        },
      });
      expect(pre.res.status).toBe(204);
      expect(pre.res.headers.get('access-control-allow-origin')).toBe('https://console.example');
      expect(pre.res.headers.get('access-control-allow-headers')).toContain('Idempotency-Key');
      const get = await req('/v1/inventory', s.auth('read', { headers: { origin: 'https://console.example' } }));
      expect(get.res.headers.get('access-control-allow-origin')).toBe('https://console.example');
      expect(get.res.headers.get('access-control-expose-headers')).toContain('Location');
    });

    it('gives any other origin no CORS grant', async () => {
      const pre = await req('/v1/jobs', {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(pre.res.headers.get('access-control-allow-origin')).toBeNull();
      const get = await req('/v1/inventory', s.auth('read', { headers: { origin: 'https://evil.example' } }));
      expect(get.res.headers.get('access-control-allow-origin')).toBeNull();
      const err = await req('/v1/inventory', { headers: { origin: 'https://console.example' } });
      expect(err.res.status).toBe(401);
      expect(err.res.headers.get('access-control-allow-origin')).toBe('https://console.example');
    });
  });

  describe('signatures on agent calls', () => {
    it('signs every call it forwards (the agent verified each one)', async () => {
      const {
        body: { plan },
      } = await req('/v1/plans', s.auth('read', json({ request: moveRequest })));
      await req('/v1/jobs', s.auth('write', json({ plan }, { 'idempotency-key': `k-${rand(4)}` })));
      await req('/v1/agents/alpha/volumes/data/data', s.auth('read', { headers: { range: 'bytes=0-1' } }));
      await req('/v1/agents', s.auth('read'));
      const all = [...s.alpha.calls, ...s.beta.calls];
      expect(all.length).toBeGreaterThan(5);
      expect(all.filter((c) => c.verified !== true)).toEqual([]);
      expect(new Set(all.map((c) => c.headers['x-vdisk-nonce'])).size).toBe(all.length);
    });

    it('a replayed signed call is refused by the agent', async () => {
      const call = s.alpha.calls.find((c) => c.method === 'POST' && c.path === '/v1/jobs')!;
      const replay = await fetch(s.alpha.url + call.path, { method: 'POST', body: call.body, headers: call.headers });
      expect(replay.status).toBe(401);
      expect(await replay.json()).toMatchObject({ code: 'E_AUTH_REPLAY' });
    });
  });

  describe('an agent the gateway cannot use', () => {
    it('with a forged (wrong-secret) signature: 502 E_GATEWAY_AGENT_AUTH, nothing done', async () => {
      const f = await setup({ ...opts, alphaSecretAtGateway: `forged-${rand()}` });
      try {
        const res = await f.request('/v1/agents/alpha/volumes/data/extents', f.auth('read'));
        expect(res.status).toBe(502);
        expect(await res.json()).toMatchObject({ code: 'E_GATEWAY_AGENT_AUTH', agent: 'alpha' });
        expect(f.alpha.calls.map((c) => c.verified)).toEqual(['E_AUTH_BAD_SIGNATURE']);
        for (const line of f.logs()) for (const secret of f.secrets) expect(line).not.toContain(secret);
      } finally {
        await f.close();
      }
    });

    it('that is down: marked in lists, 502 with a clear message for anything it owns, nothing half-done', async () => {
      const d = await setup({ ...opts, betaDown: true });
      try {
        const inv = (await (await d.request('/v1/inventory', d.auth('read'))).json()) as {
          agents: unknown[];
          inventory: { volumes: unknown[] };
        };
        expect(inv.agents).toEqual([
          { name: 'alpha', up: true, hosts: ['h1'], ageMs: expect.any(Number) },
          {
            name: 'beta',
            up: false,
            hosts: [],
            error: { code: 'E_GATEWAY_AGENT_DOWN', detail: 'agent beta cannot be reached; nothing was done' },
            ageMs: expect.any(Number),
          },
        ]);
        expect(inv.inventory.volumes).toHaveLength(2);
        const agents = await (await d.request('/v1/agents', d.auth('read'))).json();
        expect(agents).toContainEqual(expect.objectContaining({ name: 'beta', up: false }));
        const plan = await d.request(
          '/v1/plans',
          d.auth('read', json({ request: { kind: 'clone', volume: 'remote', toPool: 'far', name: 'c.img' } })),
        );
        expect(plan.status).toBe(502);
        expect(await plan.json()).toMatchObject({
          code: 'E_GATEWAY_AGENT_DOWN',
          agent: 'beta',
          detail: expect.stringContaining('agent beta is down'),
        });
        const events = await d.request('/v1/jobs/beta~j1/events', d.auth('read'));
        expect(events.status).toBe(502);
        expect(events.headers.get('content-type')).toBe('application/problem+json');
        // A plan for beta's host is refused before anything is sent to any agent.
        const planForBeta = {
          version: 1,
          id: 'p',
          kind: 'snapshot',
          request: { kind: 'snapshot', vm: 'vm', name: 'x' },
          host: 'h2',
          live: false,
          summary: '',
          preconditions: [],
          steps: [],
          postconditions: [],
          retry: '',
        };
        const before = d.alpha.calls.filter((c) => c.method === 'POST').length;
        const job = await d.request(
          '/v1/jobs',
          d.auth('write', json({ plan: planForBeta }, { 'idempotency-key': 'k3' })),
        );
        expect(job.status).toBe(502);
        expect(await job.json()).toMatchObject({
          code: 'E_GATEWAY_AGENT_DOWN',
          detail: expect.stringContaining('nothing was sent'),
        });
        expect(d.alpha.calls.filter((c) => c.method === 'POST').length).toBe(before);
      } finally {
        await d.close();
      }
    });
  });

  describe('secrets', () => {
    it('never appear in a log line, an answer body or an answer header', async () => {
      await req('/v1/jobs/alpha~j404', s.auth('read'));
      await req('/v1/inventory', { headers: { authorization: `Bearer ${s.tokens.read}x` } });
      expect(s.logs().length).toBeGreaterThan(10);
      expect(answers.length).toBeGreaterThan(20);
      const haystack = [...s.logs(), ...answers];
      for (const secret of s.secrets) for (const text of haystack) expect(text).not.toContain(secret);
    });
  });
}
