// A real agent over temp roots, called through app.request() (no port): signed requests, images
// made with qemu-img, and a state dir per test.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signRequest } from '../../src/auth/hmac.js';
import { createAgent, type Agent } from '../../src/agent/agent.js';
import type { AgentConfig } from '../../src/agent/config.js';
import { silentLogger } from '../../src/agent/log.js';
import { requireTool } from '../helpers/tools.js';

export const SECRET = 'a test secret of enough length';

/** Signature headers for a call to agent `agent` through app.request (whose URL host is `localhost`). */
export function signAs(
  agent: string,
  method: string,
  path: string,
  body = '',
  headers: Record<string, string> = {},
  now?: number,
) {
  return signRequest(SECRET, { agent, method, url: `http://localhost${path}`, headers, body }, now);
}

export interface TestAgent {
  agent: Agent;
  /** The configuration it was made with (a test restarts an agent on the same state dir with it). */
  config: AgentConfig;
  dir: string;
  pool(name: string): string;
  /** A signed request; `sign: false` sends it unsigned, `headers` override the signature's. */
  req(
    method: string,
    path: string,
    body?: unknown,
    o?: { headers?: Record<string, string>; sign?: boolean },
  ): Promise<Response>;
  close(): Promise<void>;
}

export async function testAgent(over: Partial<AgentConfig> = {}, log = silentLogger): Promise<TestAgent> {
  const dir = mkdtempSync(join(tmpdir(), 'va-'));
  for (const p of ['p1', 'p2']) mkdirSync(join(dir, p));
  const config: AgentConfig = {
    name: 'h1',
    roots: [
      { name: 'p1', dir: join(dir, 'p1') },
      { name: 'p2', dir: join(dir, 'p2') },
    ],
    vms: [],
    listen: '127.0.0.1:0',
    secret: SECRET,
    stateDir: join(dir, 'state'),
    jobTimeoutMs: 60_000,
    heartbeatMs: 50,
    // Tests make and change files by hand between calls and expect the next answer to show them, as
    // with no cache; the cache's TTL has its own tests (inventory-cache, inventory-etag), which set it.
    inventoryTtlMs: 0,
    ...over,
  };
  const agent = createAgent(config, { log });
  await agent.start();
  const t: TestAgent = {
    agent,
    config,
    dir,
    pool: (name) => join(dir, name),
    async req(method, path, body, o = {}) {
      const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
      const signed = o.sign === false ? {} : await signAs(config.name, method, path, text, o.headers);
      // t.agent, not agent: a test that restarts the agent replaces t.agent and keeps calling t.req.
      return t.agent.app.request(path, {
        method,
        headers: { ...signed, ...o.headers },
        ...(text ? { body: text } : {}),
      });
    },
    async close() {
      await t.agent.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

export function qemuImg(...args: string[]): string {
  return execFileSync(requireTool('qemu-img'), args, { encoding: 'utf8' });
}

export function qemuIo(path: string, cmd: string, format = 'qcow2'): void {
  execFileSync(requireTool('qemu-io'), ['-f', format, '-c', cmd, path], { stdio: 'pipe' });
}

/** Plans a request against the agent's own inventory, as the gateway does. */
export async function planFor(t: TestAgent, request: Record<string, unknown>, prefix = 'g') {
  const { planRequest } = await import('../../src/plan/plan.js');
  const { counterIds } = await import('../../src/plan/ids.js');
  const inv = await (await t.req('GET', '/v1/inventory')).json();
  return planRequest(request, inv, counterIds(prefix));
}

export interface Submitted {
  status: number;
  body: { id: string; state: string; code?: string; error?: { code: string } } & Record<string, unknown>;
}

export async function submit(t: TestAgent, plan: unknown, key = `k-${Math.random()}`): Promise<Submitted> {
  const res = await t.req('POST', '/v1/jobs', { plan }, { headers: { 'idempotency-key': key } });
  return { status: res.status, body: (await res.json()) as Submitted['body'] };
}

/** Waits for the job's end through the manager (no polling loop in tests). */
export async function ended(t: TestAgent, id: string) {
  const job = t.agent.jobs.get(id);
  await job.ended;
  return job.status();
}
