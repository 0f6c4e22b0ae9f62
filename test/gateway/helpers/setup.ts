// A gateway in front of fake agents (alpha serves h1, beta h2), with fresh random tokens and secrets,
// and every log line captured so tests can look for leaks. `edge: true` runs the same app under
// workerd (the bundle `npm run edge` serves) and talks to it over loopback HTTP.
import { afterAll, beforeAll } from 'vitest';
import { createGatewayApp } from '../../../src/gateway/app.js';
import type { GatewayConfigInput } from '../../../src/gateway/config.js';
import type { LogLine } from '../../../src/gateway/deps.js';
import { startEdgeGateway } from '../../../src/gateway/edge/launch.js';
import { startFakeAgent, type FakeAgent } from './fake-agent.js';
import { alphaInventory, betaInventory } from './worlds.js';

export const rand = (n = 24) =>
  [...crypto.getRandomValues(new Uint8Array(n))].map((b) => b.toString(16).padStart(2, '0')).join('');

export interface SetupOptions {
  edge?: boolean;
  inventoryTtlMs?: number;
  corsOrigins?: string[];
  maxBodyBytes?: number;
  heartbeatMs?: number;
  betaDown?: boolean;
  alphaSecretAtGateway?: string;
}

export interface Setup {
  request(path: string, init?: RequestInit): Promise<Response>;
  alpha: FakeAgent;
  beta: FakeAgent;
  tokens: { read: string; write: string };
  /** The gateway's log lines (under workerd: everything workerd printed, one entry per line). */
  logs(): string[];
  /** Every string that must never show up in a log line or an answer. */
  secrets: string[];
  auth(scope: 'read' | 'write', init?: RequestInit): RequestInit;
  close(): Promise<void>;
}

export async function setup(opts: SetupOptions = {}): Promise<Setup> {
  const alpha = await startFakeAgent({ name: 'alpha', secret: `alpha-${rand()}`, inventory: alphaInventory });
  const beta = await startFakeAgent({ name: 'beta', secret: `beta-${rand()}`, inventory: betaInventory });
  if (opts.betaDown) await beta.close();
  const tokens = { read: `r${rand()}`, write: `w${rand()}` };
  const config: GatewayConfigInput = {
    agents: [
      { name: 'alpha', url: alpha.url, secret: opts.alphaSecretAtGateway ?? alpha.secret },
      { name: 'beta', url: beta.url, secret: beta.secret },
    ],
    // The write token is named; the read token is not (its name comes from its hash).
    tokens: [
      { token: tokens.read, scope: 'read' },
      { token: tokens.write, scope: 'write', name: 'ops' },
    ],
    corsOrigins: opts.corsOrigins,
    maxBodyBytes: opts.maxBodyBytes,
    heartbeatMs: opts.heartbeatMs,
    agentTimeoutMs: 5000,
    // These suites look at every call the agents get: no cache unless a test asks for one.
    inventoryTtlMs: opts.inventoryTtlMs ?? 0,
    inventoryStaleMs: 0,
  };
  const stopAgents = async () => {
    await alpha.close();
    if (!opts.betaDown) await beta.close();
  };
  const common = {
    alpha,
    beta,
    tokens,
    secrets: [
      alpha.secret,
      beta.secret,
      tokens.read,
      tokens.write,
      ...(opts.alphaSecretAtGateway ? [opts.alphaSecretAtGateway] : []),
    ],
    auth: (scope: 'read' | 'write', init: RequestInit = {}) => ({
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${tokens[scope]}` },
    }),
  };
  if (opts.edge) {
    const gw = await startEdgeGateway(config, { host: '127.0.0.1', port: 0 });
    return {
      ...common,
      request: (path, init) => fetch(gw.url + path, init),
      logs: () => gw.output().split('\n').filter(Boolean),
      close: async () => {
        await gw.close();
        await stopAgents();
      },
    };
  }
  const logs: LogLine[] = [];
  const app = createGatewayApp(config, { log: (l) => logs.push(l) });
  return {
    ...common,
    request: async (path, init) => app.request(path, init),
    logs: () => logs.map((l) => JSON.stringify(l)),
    close: stopAgents,
  };
}

/** Registers a setup for the enclosing file or describe block; call the getter inside tests. */
export function useSetup(opts: SetupOptions = {}): () => Setup {
  let s: Setup | undefined;
  beforeAll(async () => {
    s = await setup(opts);
  });
  afterAll(async () => {
    await s?.close();
  });
  return () => s!;
}

export const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});
