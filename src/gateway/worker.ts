// workerd entry: the same app, configured from bindings (workerd has no file system). Secrets arrive
// as text bindings: AGENT_SECRET_<NAME> per agent and GATEWAY_TOKENS (token-file format); the
// agents' names and URLs as the AGENTS JSON text. The app is built once per isolate.
import { VdiskError, isVdiskError } from '../errors/vdisk-error.js';
import { createGatewayApp } from './app.js';
import { parseTokenFile } from './config.js';
import { problemResponse } from './problem.js';

export type EdgeEnv = Record<string, string | undefined>;

/** Binding name of an agent's secret: `alpha-1` → `AGENT_SECRET_ALPHA_1`. */
export const secretBinding = (agent: string) => `AGENT_SECRET_${agent.toUpperCase().replace(/-/g, '_')}`;

function build(env: EdgeEnv) {
  let agents: { name: string; url: string }[];
  try {
    agents = JSON.parse(env.AGENTS ?? '[]');
  } catch {
    throw new VdiskError('E_GATEWAY_CONFIG', 'the AGENTS binding is not JSON');
  }
  return createGatewayApp({
    agents: agents.map((a) => ({ ...a, secret: env[secretBinding(a.name)] ?? '' })),
    tokens: parseTokenFile(env.GATEWAY_TOKENS ?? ''),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    ...(env.MAX_BODY_BYTES && { maxBodyBytes: Number(env.MAX_BODY_BYTES) }),
    ...(env.HEARTBEAT_MS && { heartbeatMs: Number(env.HEARTBEAT_MS) }),
    ...(env.AGENT_TIMEOUT_MS && { agentTimeoutMs: Number(env.AGENT_TIMEOUT_MS) }),
    ...(env.FAN_OUT_TIMEOUT_MS && { fanOutTimeoutMs: Number(env.FAN_OUT_TIMEOUT_MS) }),
    ...(env.INVENTORY_TTL_MS && { inventoryTtlMs: Number(env.INVENTORY_TTL_MS) }),
    ...(env.INVENTORY_STALE_MS && { inventoryStaleMs: Number(env.INVENTORY_STALE_MS) }),
    ...(env.MAX_IN_FLIGHT && { maxInFlight: Number(env.MAX_IN_FLIGHT) }),
  });
}

let app: ReturnType<typeof build> | undefined;

export default {
  fetch(request: Request, env: EdgeEnv, ctx: unknown): Response | Promise<Response> {
    try {
      app ??= build(env);
    } catch (e) {
      // Said on every request until the configuration is fixed; the message names fields, not values.
      return problemResponse(isVdiskError(e) ? e : new VdiskError('E_GATEWAY_CONFIG'));
    }
    return app.fetch(request, env, ctx as never);
  },
};
