// Every route refuses unsigned, badly signed, replayed and stale calls with stable codes, before
// anything runs.
import { afterEach, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/auth/hmac.js';
import { SECRET, signAs, testAgent, type TestAgent } from './helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

const code = async (res: Response) => ((await res.json()) as { code: string }).code;

describe('agent request signatures', () => {
  it('answers a signed health call and refuses an unsigned one', async () => {
    t = await testAgent();
    const ok = await t.req('GET', '/v1/health');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      ok: true,
      agent: 'h1',
      version: expect.any(String),
      roots: ['p1', 'p2'],
      vms: [],
    });
    const res = await t.req('GET', '/v1/health', undefined, { sign: false });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await code(res)).toBe('E_AUTH_MISSING');
  });

  it('refuses a wrong secret, a replayed nonce, a stale timestamp and a signature for another path', async () => {
    t = await testAgent();
    const wrong = await signRequest('not the agent secret at all', {
      agent: 'h1',
      method: 'GET',
      url: 'http://localhost/v1/inventory',
    });
    expect(await code(await t.req('GET', '/v1/inventory', undefined, { headers: wrong, sign: false }))).toBe(
      'E_AUTH_BAD_SIGNATURE',
    );

    const once = await signAs('h1', 'GET', '/v1/health');
    expect((await t.req('GET', '/v1/health', undefined, { headers: once, sign: false })).status).toBe(200);
    const again = await t.req('GET', '/v1/health', undefined, { headers: once, sign: false });
    expect([again.status, await code(again)]).toEqual([401, 'E_AUTH_REPLAY']);

    const stale = await signAs('h1', 'GET', '/v1/health', '', {}, Date.now() - 10 * 60_000);
    expect(await code(await t.req('GET', '/v1/health', undefined, { headers: stale, sign: false }))).toBe(
      'E_AUTH_STALE',
    );

    const other = await signAs('h1', 'GET', '/v1/jobs');
    expect(await code(await t.req('GET', '/v1/health', undefined, { headers: other, sign: false }))).toBe(
      'E_AUTH_BAD_SIGNATURE',
    );
  });

  it('refuses a body that is not the one signed, and unknown routes only after auth', async () => {
    t = await testAgent();
    const h = await signAs('h1', 'POST', '/v1/jobs', '{"plan":1}', { 'idempotency-key': 'k' });
    const res = await t.agent.app.request('/v1/jobs', {
      method: 'POST',
      headers: { ...h, 'idempotency-key': 'k' },
      body: '{"plan":2}',
    });
    expect(await code(res)).toBe('E_AUTH_BAD_SIGNATURE');
    expect(await code(await t.req('GET', '/v1/nothing', undefined, { sign: false }))).toBe('E_AUTH_MISSING');
    const nf = await t.req('GET', '/v1/nothing');
    expect([nf.status, await code(nf)]).toEqual([404, 'E_AGENT_NOT_FOUND']);
  });

  it('accepts a signature by either secret while rotating (--secret-file twice), and no other', async () => {
    const next = 'the next secret, also long enough';
    t = await testAgent({ secret: [SECRET, next] });
    expect((await t.req('GET', '/v1/health')).status).toBe(200);
    const byNext = await signRequest(next, { agent: 'h1', method: 'GET', url: 'http://localhost/v1/health' });
    expect((await t.req('GET', '/v1/health', undefined, { headers: byNext, sign: false })).status).toBe(200);
    const byOther = await signRequest('a third secret, not configured', {
      agent: 'h1',
      method: 'GET',
      url: 'http://localhost/v1/health',
    });
    expect(await code(await t.req('GET', '/v1/health', undefined, { headers: byOther, sign: false }))).toBe(
      'E_AUTH_BAD_SIGNATURE',
    );
  });
});
