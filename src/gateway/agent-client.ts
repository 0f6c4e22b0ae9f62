// Calls to host agents: every call signed with the agent's HMAC secret (src/auth/hmac.ts), bounded by
// a timeout, and turned into a VdiskError naming the agent when it fails. Web APIs only (runs on workerd).
import { CALLER_HEADER } from '../auth/caller.js';
import { signRequest } from '../auth/hmac.js';
import { VdiskError } from '../errors/vdisk-error.js';
import type { AgentConfig } from './config.js';
import { agentError } from './agent-errors.js';

export interface AgentCallDeps {
  fetch: typeof fetch;
  timeoutMs: number;
}

/** Carried on every call to an agent (not signed: it only ties log lines together). */
export const REQUEST_ID_HEADER = 'x-request-id';

export interface AgentCall {
  method: string;
  /** Path and query on the agent, e.g. `/v1/jobs/j1/events`. */
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** The caller's name (its token's), sent as x-vdisk-caller: agents scope keys and caps by it. */
  caller?: string;
  /** Aborts the call (the client went away). */
  signal?: AbortSignal;
  /** Keep the answer's body open past the timeout (streams, image data). */
  stream?: boolean;
  /** The gateway request this call serves (src/gateway/middleware/request-id.ts), for both logs. */
  requestId?: string;
  /** A shorter deadline than the agent timeout (fan-out calls: one hung agent must not hold the answer). */
  timeoutMs?: number;
}

/** Sends a signed call; answers the agent's Response when it is a success (2xx), throws otherwise. */
export async function callAgent(deps: AgentCallDeps, agent: AgentConfig, call: AgentCall): Promise<Response> {
  const { res, done } = await send(deps, agent, call);
  // 304 answers a conditional call (If-None-Match): nothing changed, and it has no body.
  if (res.status === 304) {
    done();
    await res.body?.cancel().catch(() => {});
    return new Response(null, { status: 304, headers: res.headers });
  }
  if (!res.ok) {
    try {
      throw await agentError(agent.name, res);
    } finally {
      done();
    }
  }
  if (call.stream) done();
  else {
    // Buffer within the timeout so a stalled agent cannot hold the request open.
    const body = await res
      .arrayBuffer()
      .catch((e) => {
        throw failure(agent, e, done);
      })
      .finally(done);
    return new Response(body, { status: res.status, headers: res.headers });
  }
  return res;
}

/** A signed JSON call; the parsed answer with its status and headers (`json` is undefined on a 304). */
export async function agentJson<T = unknown>(
  deps: AgentCallDeps,
  agent: AgentConfig,
  call: AgentCall,
): Promise<{ status: number; headers: Headers; json: T }> {
  const res = await callAgent(deps, agent, { ...call, stream: false });
  if (res.status === 304) return { status: 304, headers: res.headers, json: undefined as T };
  try {
    return { status: res.status, headers: res.headers, json: (await res.json()) as T };
  } catch {
    throw new VdiskError('E_GATEWAY_AGENT_BAD_REPLY', `agent ${agent.name} did not answer JSON`, { agent: agent.name });
  }
}

async function send(deps: AgentCallDeps, agent: AgentConfig, call: AgentCall) {
  const ctl = new AbortController();
  const timer = setTimeout(
    () => ctl.abort(new VdiskError('E_GATEWAY_AGENT_TIMEOUT')),
    call.timeoutMs ?? deps.timeoutMs,
  );
  const onAbort = () => ctl.abort(call.signal?.reason);
  call.signal?.addEventListener('abort', onAbort, { once: true });
  // A stream keeps listening: aborting the caller's signal later must still end the agent's body.
  const done = () => {
    clearTimeout(timer);
    if (!call.stream) call.signal?.removeEventListener('abort', onAbort);
  };
  const url = agent.url + call.path;
  // Signed for this agent by name, with Host and the headers that pick bytes, jobs and callers.
  const sent: Record<string, string> = {
    ...call.headers,
    ...(call.caller !== undefined && { [CALLER_HEADER]: call.caller }),
  };
  const signed = await signRequest(agent.secret, {
    agent: agent.name,
    method: call.method,
    url,
    headers: sent,
    body: call.body ?? '',
  });
  const headers: Record<string, string> = {
    ...sent,
    ...signed,
    ...(call.requestId !== undefined && { [REQUEST_ID_HEADER]: call.requestId }),
  };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const res = await deps.fetch(url, {
      method: call.method,
      headers,
      body: call.body,
      signal: ctl.signal,
      redirect: 'manual',
    });
    if (call.stream) clearTimeout(timer);
    return { res, done };
  } catch (e) {
    throw failure(agent, e, done, ctl.signal.reason);
  }
}

function failure(agent: AgentConfig, e: unknown, done: () => void, reason?: unknown): VdiskError {
  done();
  if (reason instanceof VdiskError) {
    return new VdiskError('E_GATEWAY_AGENT_TIMEOUT', `agent ${agent.name} did not answer in time`, {
      agent: agent.name,
    });
  }
  if (e instanceof VdiskError) return e;
  // The cause (ECONNREFUSED, DNS, TLS) is for the operator's log; the caller gets the agent's name only.
  return new VdiskError('E_GATEWAY_AGENT_DOWN', `agent ${agent.name} cannot be reached; nothing was done`, {
    agent: agent.name,
    cause: String((e as Error)?.message ?? e),
  });
}
