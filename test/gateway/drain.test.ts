// Issue 14 item 6: `vdisk gateway` (a real child process) drains on SIGTERM: a preview in flight (its
// agent holds the inventory answer) is answered in full, a new request is refused, an event stream
// gets an SSE `retry:` hint and ends, and the process exits 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeAgent, type FakeAgent } from './helpers/fake-agent.js';
import { bundleCli, spawnGateway } from './helpers/gateway-process.js';
import { json, rand } from './helpers/setup.js';
import { sseReader } from './helpers/sse-client.js';
import { alphaInventory, moveRequest } from './helpers/worlds.js';

let dir: string;
let agent: FakeAgent;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vgw-drain-'));
  await bundleCli(dir);
  agent = await startFakeAgent({ name: 'alpha', secret: `alpha-${rand()}`, inventory: alphaInventory });
});
afterAll(async () => {
  await agent?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('SIGTERM: the answer in flight completes, new requests are refused, streams get a retry hint, exit 0', async () => {
  const gw = spawnGateway(dir, agent);
  const { child, token, exited } = gw;
  const auth = (init: RequestInit = {}) => ({
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
  });
  try {
    const url = await gw.url;
    // A job whose events keep coming, watched through the gateway.
    const { plan } = (await (await fetch(`${url}/v1/plans`, auth(json({ request: moveRequest })))).json()) as {
      plan: unknown;
    };
    const created = await fetch(`${url}/v1/jobs`, auth(json({ plan }, { 'idempotency-key': `k-${rand(8)}` })));
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    agent.emit(id.split('~')[1]!, 'progress', { progress: 0.1 });
    const stream = sseReader(await fetch(`${url}/v1/jobs/${encodeURIComponent(id)}/events`, auth()));
    expect((await stream.nextEvent())?.event).toBe('progress');
    // A preview in flight: the agent holds its inventory answer.
    const release = agent.holdInventory();
    const before = agent.calls.length;
    const inFlight = fetch(`${url}/v1/plans`, auth(json({ request: moveRequest })));
    await expect.poll(() => agent.calls.slice(before).some((c) => c.path === '/v1/inventory')).toBe(true);

    child.kill('SIGTERM');
    await expect.poll(() => gw.output().includes('"msg":"draining"')).toBe(true);
    // The stream is told when to come back, then ends.
    const blocks: string[] = [];
    for (let b = await stream.next(); b; b = await stream.next()) blocks.push(b.raw);
    expect(blocks).toContain('retry: 1000');
    // A new request is refused: the listener is closed (or, on a kept-alive socket, 503 E_GATEWAY_DRAINING).
    const late = await fetch(`${url}/v1/inventory`, auth()).then(
      async (r) => ({ status: r.status, code: ((await r.json()) as { code?: string }).code }),
      (e: Error) => ({ status: 0, code: String((e.cause as { code?: string })?.code ?? e.message) }),
    );
    expect([
      { status: 0, code: 'ECONNREFUSED' },
      { status: 503, code: 'E_GATEWAY_DRAINING' },
    ]).toContainEqual(late);
    expect(child.exitCode).toBeNull(); // still answering the preview in flight
    release();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ agent: 'alpha', plan: { kind: 'move' } });
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  expect(gw.output()).toContain('"msg":"stopped"');
});
