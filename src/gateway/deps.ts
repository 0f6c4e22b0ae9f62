// What every route needs, built once per app from the checked configuration: the agents by name,
// how to call them, where log lines go, the inventory cache, the metrics and the drain state. Passed
// to route factories, so routes hold no globals.
import { VdiskError } from '../errors/vdisk-error.js';
import type { AgentCallDeps } from './agent-client.js';
import type { AgentConfig, GatewayConfig } from './config.js';
import { Drain } from './drain.js';
import { InventoryCache } from './inventory-cache.js';
import { gatewayMetrics, type GatewayMetrics } from './metrics.js';

/** One structured log line; never given a header, a body, a token or a secret. */
export type LogLine = { level: 'info' | 'warn' | 'error'; msg: string } & Record<string, unknown>;
export type Logger = (line: LogLine) => void;

export interface GatewayDeps {
  config: GatewayConfig;
  call: AgentCallDeps;
  log: Logger;
  clock: () => number;
  inventories: InventoryCache;
  metrics: GatewayMetrics;
  drain: Drain;
  agent(name: string): AgentConfig;
  agents(): AgentConfig[];
}

export const jsonLineLogger: Logger = (line) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), ...line }));

export function makeDeps(
  config: GatewayConfig,
  opts: { fetch?: typeof fetch; log?: Logger; cacheClock?: () => number; drain?: Drain } = {},
): GatewayDeps {
  const byName = new Map(config.agents.map((a) => [a.name, a]));
  const clock = opts.cacheClock ?? Date.now;
  const drain = opts.drain ?? new Drain();
  const deps: GatewayDeps = {
    config,
    clock,
    drain,
    // Bound: workerd's fetch throws "Illegal invocation" when called detached from globalThis.
    call: { fetch: opts.fetch ?? fetch.bind(globalThis), timeoutMs: config.agentTimeoutMs },
    log: opts.log ?? jsonLineLogger,
    inventories: undefined as unknown as InventoryCache,
    metrics: gatewayMetrics(drain, () => deps.inventories, clock),
    agent(name) {
      const a = byName.get(name);
      if (!a) throw new VdiskError('E_GATEWAY_UNKNOWN_AGENT', `no agent named ${name}`, { agent: name });
      return a;
    },
    agents: () => config.agents,
  };
  deps.inventories = new InventoryCache(deps, clock);
  return deps;
}
