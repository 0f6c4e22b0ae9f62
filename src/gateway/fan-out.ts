// Asks every agent the same question at once. An agent that fails is reported next to the others
// (marked down with its code), never dropped, so a console can show which host is missing.
import { isVdiskError } from '../errors/vdisk-error.js';
import { agentJson, type AgentCall } from './agent-client.js';
import type { AgentConfig } from './config.js';
import type { GatewayDeps } from './deps.js';

export type AgentAnswer<T> =
  | { agent: AgentConfig; up: true; json: T }
  | { agent: AgentConfig; up: false; error: { code: string; detail: string } };

/** `call` may differ per agent (a cursor each); `agents` defaults to every configured one. */
export async function askAll<T>(deps: GatewayDeps, call: AgentCall | ((agent: AgentConfig) => AgentCall), agents = deps.agents()): Promise<AgentAnswer<T>[]> {
  return Promise.all(agents.map(async (agent): Promise<AgentAnswer<T>> => {
    const one = typeof call === 'function' ? call(agent) : call;
    try {
      return { agent, up: true, json: (await agentJson<T>(deps.call, agent, one)).json };
    } catch (e) {
      const code = isVdiskError(e) ? String(e.code) : 'E_GATEWAY_INTERNAL';
      const detail = isVdiskError(e) ? e.message : 'unexpected failure';
      deps.log({ level: 'warn', msg: 'agent call failed', agent: agent.name, path: one.path, code, cause: isVdiskError(e) ? e.detail.cause : undefined });
      return { agent, up: false, error: { code, detail } };
    }
  }));
}
