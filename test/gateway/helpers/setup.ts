// A gateway in front of fake agents (alpha serves h1, beta h2), with fresh random tokens and secrets,
// and every log line captured so tests can look for leaks.
import { createGatewayApp } from '../../../src/gateway/app.js';
import type { LogLine } from '../../../src/gateway/deps.js';
import { startFakeAgent, type FakeAgent } from './fake-agent.js';
import { alphaInventory, betaInventory } from './worlds.js';

export const rand = (n = 24) => [...crypto.getRandomValues(new Uint8Array(n))].map((b) => b.toString(16).padStart(2, '0')).join('');

export interface Setup {
  app: ReturnType<typeof createGatewayApp>;
  alpha: FakeAgent; beta: FakeAgent;
  tokens: { read: string; write: string };
  logs: LogLine[];
  /** Every string that must never show up in a log line or an answer. */
  secrets: string[];
  auth(scope: 'read' | 'write', init?: RequestInit): RequestInit;
  close(): Promise<void>;
}

export async function setup(opts: { corsOrigins?: string[]; maxBodyBytes?: number; heartbeatMs?: number; betaDown?: boolean; alphaSecretAtGateway?: string } = {}): Promise<Setup> {
  const alpha = await startFakeAgent({ name: 'alpha', secret: `alpha-${rand()}`, inventory: alphaInventory });
  const beta = await startFakeAgent({ name: 'beta', secret: `beta-${rand()}`, inventory: betaInventory });
  if (opts.betaDown) await beta.close();
  const tokens = { read: `r${rand()}`, write: `w${rand()}` };
  const logs: LogLine[] = [];
  const app = createGatewayApp({
    agents: [
      { name: 'alpha', url: alpha.url, secret: opts.alphaSecretAtGateway ?? alpha.secret },
      { name: 'beta', url: beta.url, secret: beta.secret },
    ],
    tokens: [{ token: tokens.read, scope: 'read' }, { token: tokens.write, scope: 'write' }],
    corsOrigins: opts.corsOrigins, maxBodyBytes: opts.maxBodyBytes, heartbeatMs: opts.heartbeatMs, agentTimeoutMs: 5000,
  }, { log: (l) => logs.push(l) });
  return {
    app, alpha, beta, tokens, logs,
    secrets: [alpha.secret, beta.secret, tokens.read, tokens.write, ...(opts.alphaSecretAtGateway ? [opts.alphaSecretAtGateway] : [])],
    auth: (scope, init = {}) => ({ ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${tokens[scope]}` } }),
    close: async () => { await alpha.close(); if (!opts.betaDown) await beta.close(); },
  };
}

export const json = (body: unknown, headers: Record<string, string> = {}): RequestInit =>
  ({ method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
