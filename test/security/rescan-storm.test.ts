// `Cache-Control: no-cache` makes the agent re-stat every file in its roots (10,000 images: about half a
// second). A read-scope caller reaches it cheaply: a preview naming an unknown volume makes each gateway
// copy force a refresh of every agent (once a second per copy), and copies multiply (a load balancer,
// workerd isolates). The agent bounds it itself: at most one forced refresh per interval, whoever asks;
// within it the request is answered as without the header (cache, TTL, invalidation by jobs).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../src/agent/agent.js';
import { silentLogger } from '../../src/agent/log.js';
import { listen } from '../../src/agent/server.js';
import { createGatewayApp } from '../../src/gateway/app.js';
import { qemuImg, testAgent, type TestAgent } from '../agent/helpers.js';
import { json, rand } from '../gateway/helpers/setup.js';

const cleanups: (() => Promise<void> | void)[] = [];
let t: TestAgent | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  for (const f of cleanups.splice(0).reverse()) await f();
});

// Long TTLs: every refresh counted below is one a no-cache header forced, none a timer's.
const HOUR = 3_600_000;

describe('forced rescans are bounded at the agent', () => {
  it('50 no-cache inventory calls in a row: one forced refresh, the rest answered from the cache', async () => {
    t = await testAgent({ inventoryTtlMs: HOUR, inventoryForceMinMs: HOUR });
    qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'a.qcow2'), '1M');
    expect((await t.req('GET', '/v1/inventory')).status).toBe(200);
    const before = t.agent.ctx.inventory.refreshes;
    for (let i = 0; i < 50; i++) {
      const res = await t.req('GET', '/v1/inventory', undefined, { headers: { 'cache-control': 'no-cache' } });
      expect(res.status).toBe(200);
    }
    expect(t.agent.ctx.inventory.refreshes - before).toBe(1);
  });

  it('a job still makes the next call read the files again (invalidation is not throttled)', async () => {
    t = await testAgent({ inventoryTtlMs: HOUR, inventoryForceMinMs: HOUR });
    const ids = async () =>
      (
        (await (
          await t!.req('GET', '/v1/inventory', undefined, { headers: { 'cache-control': 'no-cache' } })
        ).json()) as { volumes: { id: string }[] }
      ).volumes.map((v) => v.id);
    expect(await ids()).toEqual([]);
    qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'a.qcow2'), '1M');
    t.agent.ctx.inventory.invalidate(); // what every job step does
    expect(await ids()).toEqual(['p1:a.qcow2']);
  });

  it('read-scope previews of an unknown volume through four gateway copies: one forced refresh', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vstorm-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    for (const p of ['p1', 'p2']) mkdirSync(join(dir, p));
    qemuImg('create', '-q', '-f', 'qcow2', join(dir, 'p1', 'a.qcow2'), '1M');
    const secret = `agent-${rand()}`;
    const agent: Agent = createAgent(
      {
        name: 'h1',
        roots: [
          { name: 'p1', dir: join(dir, 'p1') },
          { name: 'p2', dir: join(dir, 'p2') },
        ],
        vms: [],
        listen: '127.0.0.1:0',
        secret,
        stateDir: join(dir, 'state'),
        jobTimeoutMs: 60_000,
        heartbeatMs: 1_000,
        inventoryTtlMs: HOUR,
        inventoryForceMinMs: HOUR,
      },
      { log: silentLogger },
    );
    await agent.start();
    const server = await listen(agent.app.fetch, '127.0.0.1:0');
    cleanups.push(async () => {
      await server.close();
      await agent.close();
    });
    const token = `r${rand()}`;
    const copies = Array.from({ length: 4 }, () =>
      createGatewayApp(
        { agents: [{ name: 'h1', url: `http://${server.address}`, secret }], tokens: [{ token, scope: 'read' }] },
        { log: () => {} },
      ),
    );
    const preview = (app: (typeof copies)[number]) =>
      app.request(
        '/v1/plans',
        json(
          { request: { kind: 'move', volume: `p1:nope-${rand(6)}.qcow2`, toPool: 'p2' } },
          { authorization: `Bearer ${token}` },
        ),
      );
    // Each copy reads the inventory (one refresh in all: the agent's TTL is long), finds no such volume
    // and asks every agent past the caches: four forced refreshes without the agent's own bound.
    const before = agent.ctx.inventory.refreshes;
    for (let round = 0; round < 3; round++)
      for (const app of copies) {
        const res = await preview(app);
        expect([res.status, ((await res.json()) as { code?: string }).code]).toEqual([404, 'E_PLAN_UNKNOWN_VOLUME']);
      }
    expect(agent.ctx.inventory.refreshes - before).toBeLessThanOrEqual(2);
  });
});
