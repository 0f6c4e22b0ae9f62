// What a signature binds: a signed call cannot be replayed to a restarted agent (the nonce log in its
// state dir), cannot be sent to another agent sharing the secret, and cannot have its Host,
// Idempotency-Key, Range, Last-Event-ID or X-Vdisk-Caller changed on the way.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../src/agent/agent.js';
import { silentLogger } from '../../src/agent/log.js';
import { signRequest } from '../../src/auth/hmac.js';

const SECRET = 'one secret shared by two agents';
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vsig-'));
  mkdirSync(join(dir, 'p1'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startAgent(name: string, dir: string): Promise<Agent> {
  const agent = createAgent(
    {
      name,
      roots: [{ name: 'p1', dir: join(dir, 'p1') }],
      vms: [],
      listen: '127.0.0.1:0',
      secret: SECRET,
      stateDir: join(dir, 'state'),
      jobTimeoutMs: 60_000,
      heartbeatMs: 50,
    },
    { log: silentLogger },
  );
  await agent.start();
  cleanup.push(() => agent.close());
  return agent;
}

/** Signature headers for a call to agent `agent` as app.request sends it (URL host `localhost`). */
const sign = (agent: string, method: string, path: string, headers: Record<string, string> = {}, body = '') =>
  signRequest(SECRET, { agent, method, url: `http://localhost${path}`, headers, body });

const answer = async (res: Response) => ({ status: res.status, code: ((await res.json()) as { code?: string }).code });

describe('a signature is bound to one call to one agent', () => {
  it('is refused E_AUTH_REPLAY when replayed to the restarted agent (same state dir)', async () => {
    const dir = tempDir();
    const first = await startAgent('h1', dir);
    const signed = await sign('h1', 'GET', '/v1/health');
    expect((await first.app.request('/v1/health', { headers: signed })).status).toBe(200);
    await first.close();
    const restarted = await startAgent('h1', dir);
    expect(await answer(await restarted.app.request('/v1/health', { headers: signed }))).toEqual({
      status: 401,
      code: 'E_AUTH_REPLAY',
    });
    expect((await restarted.app.request('/v1/health', { headers: await sign('h1', 'GET', '/v1/health') })).status).toBe(
      200,
    );
  });

  it('made for agent A is refused by agent B holding the same secret', async () => {
    const a = await startAgent('a', tempDir());
    const b = await startAgent('b', tempDir());
    expect((await a.app.request('/v1/health', { headers: await sign('a', 'GET', '/v1/health') })).status).toBe(200);
    const forA = await sign('a', 'GET', '/v1/health');
    expect(await answer(await b.app.request('/v1/health', { headers: forA }))).toEqual({
      status: 401,
      code: 'E_AUTH_WRONG_AGENT',
    });
    // Claiming to be for B does not help: B signs its own name into the string it checks.
    const relabelled = { ...(await sign('a', 'GET', '/v1/health')), 'x-vdisk-agent': 'b' };
    expect(await answer(await b.app.request('/v1/health', { headers: relabelled }))).toEqual({
      status: 401,
      code: 'E_AUTH_BAD_SIGNATURE',
    });
  });

  it.each([
    ['Idempotency-Key', 'POST', '/v1/jobs', { 'idempotency-key': 'k1' }, { 'idempotency-key': 'k2' }, '{"plan":{}}'],
    ['Range', 'GET', '/v1/volumes/v-none/data', { range: 'bytes=0-511' }, { range: 'bytes=0-1048575' }, ''],
    ['Last-Event-ID', 'GET', '/v1/jobs/j-none/events', { 'last-event-id': '3' }, { 'last-event-id': '0' }, ''],
    ['X-Vdisk-Caller', 'GET', '/v1/jobs/j-none', { 'x-vdisk-caller': 'alice' }, { 'x-vdisk-caller': 'bob' }, ''],
  ] as const)(
    'is refused when its %s header was changed after signing',
    async (_name, method, path, signedWith, sentWith, body) => {
      const agent = await startAgent('h1', tempDir());
      const send = async (headers: Record<string, string>, sent: Record<string, string>) =>
        answer(await agent.app.request(path, { method, headers: { ...headers, ...sent }, ...(body && { body }) }));
      // As signed, the call passes authentication and reaches its route (which refuses it on its own terms).
      expect((await send(await sign('h1', method, path, signedWith, body), signedWith)).status).not.toBe(401);
      expect(await send(await sign('h1', method, path, signedWith, body), sentWith)).toEqual({
        status: 401,
        code: 'E_AUTH_BAD_SIGNATURE',
      });
    },
  );

  it('is refused when sent to another Host than the one signed', async () => {
    const agent = await startAgent('h1', tempDir());
    const signed = await sign('h1', 'GET', '/v1/health');
    expect(await answer(await agent.app.request('http://agent.example/v1/health', { headers: signed }))).toEqual({
      status: 401,
      code: 'E_AUTH_BAD_SIGNATURE',
    });
  });
});
