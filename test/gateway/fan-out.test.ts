// Issue 14 item 4: fan-out to 50 agents with a deadline per call, the joined inventory cached per
// gateway copy for a TTL, revalidated with If-None-Match where the agent gives an ETag, and one
// refresh per agent however many previews arrive at once. (How fast: `npm run bench -- gateway-scale`.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayApp } from '../../src/gateway/app.js';
import { startFleet, agentInventory, type Fleet } from './helpers/fleet.js';
import { json } from './helpers/setup.js';

type Inv = { agents: { name: string; up: boolean; error?: { code: string } }[]; inventory: { volumes: unknown[] } };

describe('50 agents, one of them hung', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet({
      agents: 50,
      volumes: 20,
      hung: [17],
      config: { fanOutTimeoutMs: 3000, agentTimeoutMs: 60_000 },
    });
  });
  afterAll(async () => {
    await fleet?.close();
  });
  const auth = (init: RequestInit = {}) => ({
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${fleet.tokens.read}` },
  });

  it('inventory: the hung agent is marked down with E_GATEWAY_AGENT_TIMEOUT after the fan-out deadline, the other 49 joined', async () => {
    const app = createGatewayApp(fleet.config, { log: () => {} });
    const res = await app.request('/v1/inventory', auth());
    expect(res.status).toBe(200);
    const body = (await res.json()) as Inv;
    expect(body.agents).toHaveLength(50);
    expect(body.agents.filter((a) => !a.up)).toEqual([
      expect.objectContaining({
        name: 'a17',
        up: false,
        error: expect.objectContaining({ code: 'E_GATEWAY_AGENT_TIMEOUT' }),
      }),
    ]);
    expect(body.inventory.volumes).toHaveLength(49 * 20);
  });

  it("previews are planned for the agents that answered; one naming the hung agent's volume says it is down", async () => {
    // A long TTL: no background refresh of this app may land during the next test's count.
    const app = createGatewayApp({ ...fleet.config, inventoryTtlMs: 600_000 }, { log: () => {} });
    const ok = await app.request('/v1/plans', auth(json({ request: { kind: 'move', volume: 'v3-5', toPool: 'p3b' } })));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ agent: 'a3', plan: { host: 'h3' } });
    const down = await app.request(
      '/v1/plans',
      auth(json({ request: { kind: 'move', volume: 'v17-1', toPool: 'p17b' } })),
    );
    expect(down.status).toBe(502);
    expect(await down.json()).toMatchObject({ code: 'E_GATEWAY_AGENT_DOWN' });
  });

  it('a burst of previews makes one inventory call per agent (single flight), and the hung agent is not asked again within the TTL', async () => {
    const app = createGatewayApp({ ...fleet.config, inventoryTtlMs: 60_000 }, { log: () => {} });
    const before = fleet.agents.map((a) => a.calls.filter((c) => c.path === '/v1/inventory').length);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, k) =>
        app.request(
          '/v1/plans',
          auth(json({ request: { kind: 'move', volume: `v${k % 17}-${k % 20}`, toPool: `p${k % 17}b` } })),
        ),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    const again = await app.request(
      '/v1/plans',
      auth(json({ request: { kind: 'clone', volume: 'v20-2', toPool: 'p20b', name: 'c.img' } })),
    );
    expect(again.status).toBe(200);
    const after = fleet.agents.map((a) => a.calls.filter((c) => c.path === '/v1/inventory').length);
    expect(after.map((n, i) => n - before[i]!)).toEqual(after.map(() => 1));
  });
});

describe('revalidation', () => {
  let fleet: Fleet;
  const auth = { headers: { authorization: '' } };
  beforeAll(async () => {
    fleet = await startFleet({ agents: 2, volumes: 4 });
    auth.headers.authorization = `Bearer ${fleet.tokens.read}`;
  });
  afterAll(async () => {
    await fleet?.close();
  });

  it('reuses the inventory for the TTL, then asks with If-None-Match; a 304 keeps it, a new generation replaces it', async () => {
    let now = 1_000_000;
    const app = createGatewayApp(
      { ...fleet.config, inventoryTtlMs: 2000, inventoryStaleMs: 0 },
      { log: () => {}, cacheClock: () => now },
    );
    const [a0] = fleet.agents;
    const ids = async () =>
      (
        (await (await app.request('/v1/inventory', auth)).json()) as { inventory: { volumes: { id: string }[] } }
      ).inventory.volumes.map((v) => v.id);
    expect(await ids()).toHaveLength(8);
    now += 1999;
    await ids();
    expect(a0!.inventoryAnswers).toEqual({ full: 1, notModified: 0 });
    now += 1;
    expect(await ids()).toHaveLength(8);
    expect(a0!.inventoryAnswers).toEqual({ full: 1, notModified: 1 });
    expect(a0!.calls.at(-1)!.headers['if-none-match']).toBe('"1"');
    a0!.setInventory(agentInventory(0, 6));
    now += 2000;
    expect(await ids()).toHaveLength(10);
    expect(a0!.inventoryAnswers).toEqual({ full: 2, notModified: 1 });
    const inv = (await (await app.request('/v1/inventory', auth)).json()) as {
      agents: { name: string; ageMs: number }[];
    };
    expect(inv.agents.map((a) => a.ageMs)).toEqual([0, 0]);
  });

  it('an agent without ETags is asked again in full after the TTL (and never sent If-None-Match)', async () => {
    const plain = await startFleet({ agents: 1, volumes: 3, etag: false });
    try {
      let now = 0;
      const app = createGatewayApp(
        { ...plain.config, inventoryTtlMs: 500, inventoryStaleMs: 0 },
        { log: () => {}, cacheClock: () => now },
      );
      const get = () => app.request('/v1/inventory', { headers: { authorization: `Bearer ${plain.tokens.read}` } });
      expect((await get()).status).toBe(200);
      now += 500;
      expect((await get()).status).toBe(200);
      expect(plain.agents[0]!.inventoryAnswers).toEqual({ full: 2, notModified: 0 });
      expect(plain.agents[0]!.calls.every((c) => c.headers['if-none-match'] === undefined)).toBe(true);
    } finally {
      await plain.close();
    }
  });

  it('past the TTL but within inventoryStaleMs: answered from the cache at once while one background refresh brings the new generation', async () => {
    const one = await startFleet({ agents: 1, volumes: 2 });
    try {
      let now = 0;
      const app = createGatewayApp(
        { ...one.config, inventoryTtlMs: 1000, inventoryStaleMs: 5000 },
        { log: () => {}, cacheClock: () => now },
      );
      const count = async () =>
        (
          (await (
            await app.request('/v1/inventory', { headers: { authorization: `Bearer ${one.tokens.read}` } })
          ).json()) as { inventory: { volumes: unknown[] } }
        ).inventory.volumes.length;
      expect(await count()).toBe(2);
      one.agents[0]!.setInventory(agentInventory(0, 3));
      const release = one.agents[0]!.holdInventory(); // the refresh cannot finish yet
      now += 1500;
      expect(await count()).toBe(2); // stale, answered without waiting
      expect(await count()).toBe(2);
      release();
      await expect.poll(() => one.agents[0]!.inventoryAnswers.full).toBe(2);
      expect(await count()).toBe(3);
      expect(one.agents[0]!.calls.filter((c) => c.path === '/v1/inventory')).toHaveLength(2); // one background refresh for both stale answers
      now += 1000 + 5000;
      one.agents[0]!.setInventory(agentInventory(0, 4));
      expect(await count()).toBe(4); // too old to answer from: waited for the refresh
    } finally {
      await one.close();
    }
  });

  it('an agent that misses one refresh deadline keeps its last good inventory until TTL + inventoryStaleMs, then is down', async () => {
    // Before: a single late answer (a slow scan, a busy gateway whose timer fired late) made the agent
    // down at once, and every preview of its volumes answered 502 E_GATEWAY_AGENT_DOWN for a whole TTL.
    // 2 s: long enough for the first (cold) answer on a loaded machine, short enough to wait for the miss.
    const one = await startFleet({ agents: 1, volumes: 2, config: { fanOutTimeoutMs: 2000 } });
    try {
      let now = 0;
      const app = createGatewayApp(
        { ...one.config, inventoryTtlMs: 1000, inventoryStaleMs: 5000 },
        { log: () => {}, cacheClock: () => now },
      );
      const headers = { authorization: `Bearer ${one.tokens.read}`, 'content-type': 'application/json' };
      const preview = () =>
        app.request('/v1/plans', {
          method: 'POST',
          headers,
          body: JSON.stringify({ request: { kind: 'move', volume: 'v0-1', toPool: 'p0b' } }),
        });
      const agents = async () => ((await (await app.request('/v1/inventory', { headers })).json()) as Inv).agents;
      expect((await preview()).status).toBe(200);
      const release = one.agents[0]!.holdInventory(); // every refresh from here misses the 2 s deadline
      now += 1500;
      expect((await preview()).status).toBe(200); // stale: answered while the refresh runs
      await expect
        .poll(async () => (await agents())[0]!.error?.code, { timeout: 30_000 })
        .toBe('E_GATEWAY_AGENT_TIMEOUT');
      expect((await agents())[0]!.up).toBe(true);
      expect((await preview()).status).toBe(200); // the refresh failed: still the last good inventory
      now += 5000; // past TTL + inventoryStaleMs since the last good answer
      const late = await preview();
      expect(late.status).toBe(502);
      expect(await late.json()).toMatchObject({ code: 'E_GATEWAY_AGENT_DOWN' });
      expect((await agents())[0]!.up).toBe(false);
      release();
    } finally {
      await one.close();
    }
  });

  it('a preview naming a volume the cache does not know yet asks every agent once past both caches, then plans it', async () => {
    const now = 5_000_000;
    const app = createGatewayApp(
      { ...fleet.config, inventoryTtlMs: 60_000, inventoryStaleMs: 0 },
      { log: () => {}, cacheClock: () => now },
    );
    const [a0] = fleet.agents;
    const preview = (volume: string) =>
      app.request('/v1/plans', {
        ...json({ request: { kind: 'move', volume, toPool: 'p0b' } }),
        headers: { ...auth.headers, 'content-type': 'application/json' },
      });
    expect((await preview('v0-1')).status).toBe(200); // the cache is warm
    const made = agentInventory(0, 40); // v0-39 appears on the agent (made a moment ago)
    a0!.setInventory(made);
    const calls = a0!.calls.length;
    const fresh = await preview('v0-39');
    expect(fresh.status).toBe(200);
    const asked = a0!.calls.slice(calls).filter((c) => c.path === '/v1/inventory');
    expect(asked.map((c) => c.headers['cache-control'])).toEqual(['no-cache']);
    // A name no agent has is still refused, and asks past the caches at most once a second.
    const none = await preview('v0-99');
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ code: 'E_PLAN_UNKNOWN_VOLUME' });
    expect(a0!.calls.slice(calls).filter((c) => c.path === '/v1/inventory')).toHaveLength(1);
  });
});
