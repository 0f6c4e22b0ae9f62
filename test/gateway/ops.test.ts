// Issue 14 item 6 on the gateway: /v1/ready for load balancers, Prometheus text at /metrics (read
// scope), and X-Request-Id given or generated, answered, logged and carried to the agent.
import { describe, expect, it } from 'vitest';
import { createGatewayApp } from '../../src/gateway/app.js';
import { Drain } from '../../src/gateway/drain.js';
import type { LogLine } from '../../src/gateway/deps.js';
import { startFleet } from './helpers/fleet.js';
import { parseProm, sampleOf } from './helpers/prom-text.js';
import { json, useSetup } from './helpers/setup.js';
import { moveRequest } from './helpers/worlds.js';

describe('readiness', () => {
  const s = useSetup();

  it('is public and ready while an agent answers; 503 E_GATEWAY_DRAINING once draining', async () => {
    const drain = new Drain();
    const app = createGatewayApp(
      {
        agents: [{ name: 'alpha', url: s().alpha.url, secret: s().alpha.secret }],
        tokens: [{ token: s().tokens.read, scope: 'read' }],
      },
      { log: () => {}, drain },
    );
    const ready = await app.request('/v1/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, agents: [{ name: 'alpha', up: true }] });
    drain.start();
    const draining = await app.request('/v1/ready');
    expect(draining.status).toBe(503);
    expect(await draining.json()).toMatchObject({ code: 'E_GATEWAY_DRAINING' });
    const refused = await app.request('/v1/inventory', s().auth('read'));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await app.request('/v1/health')).status).toBe(200);
  });

  it('503 E_GATEWAY_NOT_READY when no agent can be reached', async () => {
    const app = createGatewayApp(
      {
        agents: [{ name: 'gone', url: 'http://127.0.0.1:9', secret: 'x'.repeat(16) }],
        tokens: [{ token: s().tokens.read, scope: 'read' }],
      },
      { log: () => {} },
    );
    const res = await app.request('/v1/ready');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'E_GATEWAY_NOT_READY' });
  });
});

describe('metrics', () => {
  it('read scope only; requests by route and status, latency histograms, streams, agent up and inventory age', async () => {
    // A fan-out deadline a cold first inventory cannot miss by chance on a loaded machine.
    const fleet = await startFleet({ agents: 2, volumes: 3, config: { fanOutTimeoutMs: 30_000 } });
    try {
      const app = createGatewayApp(fleet.config, { log: () => {} });
      const read = { headers: { authorization: `Bearer ${fleet.tokens.read}` } };
      expect((await app.request('/metrics')).status).toBe(401);
      for (let i = 0; i < 3; i++)
        expect(
          (
            await app.request('/v1/plans', {
              ...json({ request: { kind: 'move', volume: `v1-${i}`, toPool: 'p1b' } }),
              ...read,
              headers: { ...read.headers, 'content-type': 'application/json' },
            })
          ).status,
        ).toBe(200);
      expect((await app.request('/v1/jobs/alpha~j1', read)).status).toBe(404);
      const res = await app.request('/metrics', read);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const { types, samples } = parseProm(await res.text());
      expect(types.get('vdisk_gateway_request_duration_seconds')).toBe('histogram');
      expect(
        sampleOf(samples, 'vdisk_gateway_requests_total', { route: '/v1/plans', method: 'POST', status: '200' })?.value,
      ).toBe(3);
      expect(sampleOf(samples, 'vdisk_gateway_requests_total', { route: '/v1/jobs/:id', status: '404' })?.value).toBe(
        1,
      );
      const buckets = samples.filter(
        (x) => x.name === 'vdisk_gateway_request_duration_seconds_bucket' && x.labels.route === '/v1/plans',
      );
      expect(buckets.map((b) => b.value)).toEqual([...buckets.map((b) => b.value)].sort((a, b) => a - b));
      expect(buckets.at(-1)).toMatchObject({ labels: { le: '+Inf' }, value: 3 });
      expect(sampleOf(samples, 'vdisk_gateway_request_duration_seconds_count', { route: '/v1/plans' })?.value).toBe(3);
      expect(sampleOf(samples, 'vdisk_gateway_sse_streams_open')?.value).toBe(0);
      expect(samples.filter((x) => x.name === 'vdisk_gateway_agent_up').map((x) => [x.labels.agent, x.value])).toEqual([
        ['a0', 1],
        ['a1', 1],
      ]);
      expect(
        samples.filter((x) => x.name === 'vdisk_gateway_inventory_age_seconds').map((x) => x.labels.agent),
      ).toEqual(['a0', 'a1']);
    } finally {
      await fleet.close();
    }
  });
});

describe('request ids', () => {
  const s = useSetup();
  const logsOf = () => {
    const lines: LogLine[] = [];
    const app = createGatewayApp(
      {
        agents: [{ name: 'alpha', url: s().alpha.url, secret: s().alpha.secret }],
        tokens: [{ token: s().tokens.read, scope: 'read' }],
        inventoryTtlMs: 0,
      },
      { log: (l) => lines.push(l) },
    );
    return { app, lines };
  };

  it('a given plain id is answered, logged and sent to the agent with the signed call', async () => {
    const { app, lines } = logsOf();
    const res = await app.request(
      '/v1/plans',
      s().auth('read', json({ request: moveRequest }, { 'x-request-id': 'req-42.a:b' })),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-42.a:b');
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'request', path: '/v1/plans', requestId: 'req-42.a:b' }),
    );
    const call = s().alpha.calls.at(-1)!;
    expect(call).toMatchObject({ path: '/v1/inventory', verified: true });
    expect(call.headers['x-request-id']).toBe('req-42.a:b');
  });

  it.each([['x'.repeat(129)], ['has space'], ['quote"d'], ['']])('%j is replaced by a generated id', async (given) => {
    const { app, lines } = logsOf();
    const res = await app.request('/v1/inventory', s().auth('read', { headers: { 'x-request-id': given } }));
    const id = res.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.find((l) => l.msg === 'request')?.requestId).toBe(id);
    expect(s().alpha.calls.at(-1)!.headers['x-request-id']).toBe(id);
  });
});
