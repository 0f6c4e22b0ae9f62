// What every route needs, built once per app from the checked configuration: the agents by name,
// how to call them, and where log lines go. Passed to route factories, so routes hold no globals.
import { VdiskError } from '../errors/vdisk-error.js';
import type { AgentCallDeps } from './agent-client.js';
import type { AgentConfig, GatewayConfig } from './config.js';

/** One structured log line; never given a header, a body, a token or a secret. */
export type LogLine = { level: 'info' | 'warn' | 'error'; msg: string } & Record<string, unknown>;
export type Logger = (line: LogLine) => void;

export interface GatewayDeps {
  config: GatewayConfig;
  call: AgentCallDeps;
  log: Logger;
  agent(name: string): AgentConfig;
  agents(): AgentConfig[];
}

export const jsonLineLogger: Logger = (line) => console.log(JSON.stringify({ time: new Date().toISOString(), ...line }));

export function makeDeps(config: GatewayConfig, opts: { fetch?: typeof fetch; log?: Logger } = {}): GatewayDeps {
  const byName = new Map(config.agents.map((a) => [a.name, a]));
  return {
    config,
    // Bound: workerd's fetch throws "Illegal invocation" when called detached from globalThis.
    call: { fetch: opts.fetch ?? fetch.bind(globalThis), timeoutMs: config.agentTimeoutMs },
    log: opts.log ?? jsonLineLogger,
    agent(name) {
      const a = byName.get(name);
      if (!a) throw new VdiskError('E_GATEWAY_UNKNOWN_AGENT', `no agent named ${name}`, { agent: name });
      return a;
    },
    agents: () => config.agents,
  };
}
