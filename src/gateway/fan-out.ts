// Asks every agent the same question at once, each call under the fan-out deadline (config
// fanOutTimeoutMs), so one hung agent costs the answer that deadline and no more. An agent that fails
// is reported next to the others (marked down with its code), never dropped, so a console can show
// which host is missing.
import { isVdiskError } from '../errors/vdisk-error.js';
import { agentJson, type AgentCall } from './agent-client.js';
import type { AgentConfig } from './config.js';
import type { GatewayDeps } from './deps.js';

export type AgentError = { code: string; detail: string };
export type AgentAnswer<T> =
  | { agent: AgentConfig; up: true; json: T; status: number; headers: Headers }
  | { agent: AgentConfig; up: false; error: AgentError };

/** One agent's answer, or its failure as a value (logged for the operator). */
export async function askOne<T>(deps: GatewayDeps, agent: AgentConfig, call: AgentCall): Promise<AgentAnswer<T>> {
  try {
    const r = await agentJson<T>(deps.call, agent, { timeoutMs: deps.config.fanOutTimeoutMs, ...call });
    return { agent, up: true, json: r.json, status: r.status, headers: r.headers };
  } catch (e) {
    const code = isVdiskError(e) ? String(e.code) : 'E_GATEWAY_INTERNAL';
    const detail = isVdiskError(e) ? e.message : 'unexpected failure';
    deps.log({
      level: 'warn',
      msg: 'agent call failed',
      agent: agent.name,
      path: call.path,
      code,
      cause: isVdiskError(e) ? e.detail.cause : undefined,
      ...(call.requestId && { requestId: call.requestId }),
    });
    return { agent, up: false, error: { code, detail } };
  }
}

/** `call` may differ per agent (a cursor each); `agents` defaults to every configured one. */
export function askAll<T>(
  deps: GatewayDeps,
  call: AgentCall | ((agent: AgentConfig) => AgentCall),
  agents = deps.agents(),
): Promise<AgentAnswer<T>[]> {
  return Promise.all(agents.map((agent) => askOne<T>(deps, agent, typeof call === 'function' ? call(agent) : call)));
}
