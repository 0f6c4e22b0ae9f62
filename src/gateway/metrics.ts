// The gateway's Prometheus metrics (GET /metrics, read scope): requests by route, method and status,
// latency histograms by route, event streams open, whether it is draining, and per agent whether its
// last inventory answer was good and how old it is.
import { Registry } from '../ops/metrics.js';
import type { Drain } from './drain.js';
import type { InventoryCache } from './inventory-cache.js';

export interface GatewayMetrics {
  registry: Registry;
  request(route: string, method: string, status: number, seconds: number): void;
  streams: { open: number };
}

export function gatewayMetrics(drain: Drain, inventories: () => InventoryCache, clock: () => number): GatewayMetrics {
  const registry = new Registry();
  const requests = registry.counter(
    'vdisk_gateway_requests_total',
    'Requests answered, by route pattern, method and status.',
  );
  const latency = registry.histogram(
    'vdisk_gateway_request_duration_seconds',
    'Time to answer (to the first byte for streams), by route pattern.',
  );
  const streams = { open: 0 };
  registry.gauge('vdisk_gateway_sse_streams_open', 'Job event streams relayed now.', () => [{ value: streams.open }]);
  registry.gauge('vdisk_gateway_requests_in_flight', 'Requests being answered now (streams included).', () => [
    { value: drain.active },
  ]);
  registry.gauge('vdisk_gateway_draining', '1 while this copy is stopping.', () => [{ value: drain.draining ? 1 : 0 }]);
  registry.gauge('vdisk_gateway_agent_up', '1 when the agent answered its last inventory call.', () =>
    inventories()
      .peek()
      .map((s) => ({ labels: { agent: s.agent.name }, value: s.up ? 1 : 0 })),
  );
  registry.gauge('vdisk_gateway_inventory_age_seconds', "Age of this copy's cached inventory of each agent.", () =>
    inventories()
      .peek()
      .filter((s) => Number.isFinite(s.at))
      .map((s) => ({ labels: { agent: s.agent.name }, value: Math.max(0, clock() - s.at) / 1000 })),
  );
  return {
    registry,
    streams,
    request(route, method, status, seconds) {
      requests.inc({ route, method, status: String(status) });
      latency.observe({ route }, seconds);
    },
  };
}
