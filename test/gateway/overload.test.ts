// Load shedding (issue 14 item 5): a gateway copy answering config.maxInFlight requests refuses one
// more at once with 503 E_GATEWAY_OVERLOADED and Retry-After, rather than queueing it; health and
// readiness still answer; once the requests in flight are answered, new ones are served again.
import { describe, expect, it } from 'vitest';
import { createGatewayApp } from '../../src/gateway/app.js';
import { startFleet } from './helpers/fleet.js';

describe('load shedding', () => {
  it('past maxInFlight: 503 E_GATEWAY_OVERLOADED with Retry-After; health still answers; served again after', async () => {
    // A fan-out deadline the held inventory cannot reach by chance on a loaded machine.
    const fleet = await startFleet({ agents: 1, volumes: 4, config: { maxInFlight: 2, fanOutTimeoutMs: 60_000 } });
    try {
      const app = createGatewayApp(fleet.config, { log: () => {} });
      const headers = { authorization: `Bearer ${fleet.tokens.read}`, 'content-type': 'application/json' };
      const preview = (volume: string) =>
        app.request('/v1/plans', {
          method: 'POST',
          headers,
          body: JSON.stringify({ request: { kind: 'move', volume, toPool: 'p0b' } }),
        });
      const release = fleet.agents[0]!.holdInventory(); // the cold cache: both previews wait for the agent
      const held = [preview('v0-1'), preview('v0-3')];
      await expect.poll(() => fleet.agents[0]!.calls.filter((c) => c.path === '/v1/inventory').length).toBe(1);
      const shed = await preview('v0-1');
      expect(shed.status).toBe(503);
      expect(shed.headers.get('retry-after')).toBe('1');
      expect(await shed.json()).toMatchObject({ code: 'E_GATEWAY_OVERLOADED' });
      expect((await app.request('/v1/health')).status).toBe(200);
      release();
      expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
      expect((await preview('v0-3')).status).toBe(200);
    } finally {
      await fleet.close();
    }
  });
});
