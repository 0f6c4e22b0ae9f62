// Issue 14 item 6 on the agent: /v1/ready and /metrics behind its signature, the gateway's request id
// in its log, and the drain: event streams get a `retry:` hint, new requests 503 E_AGENT_DRAINING, and
// the stop waits for the running step's step-end record (src/agent/jobs/drain.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../src/agent/agent.js';
import { atStepBoundary } from '../../src/agent/jobs/drain.js';
import type { LogFields } from '../../src/agent/log.js';
import { listen } from '../../src/agent/server.js';
import { createGatewayApp } from '../../src/gateway/app.js';
import type { LogLine } from '../../src/gateway/deps.js';
import { parseProm, sampleOf } from '../gateway/helpers/prom-text.js';
import { sseReader } from '../gateway/helpers/sse-client.js';
import { ended, planFor, qemuImg, SECRET, signAs, submit, testAgent, type TestAgent } from './helpers.js';

let t: TestAgent | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('agent readiness and metrics', () => {
  it('ready only once the journal is recovered; both routes need a signature', async () => {
    t = await testAgent();
    const fresh = createAgent({ ...t.config, stateDir: join(t.dir, 'state2') });
    const ask = async (path: string) => fresh.app.request(path, { headers: await signAs('h1', 'GET', path) });
    expect(await (await ask('/v1/ready')).json()).toMatchObject({ status: 503, code: 'E_AGENT_NOT_READY' });
    await fresh.start();
    expect((await ask('/v1/ready')).status).toBe(200);
    expect((await fresh.app.request('/v1/ready')).status).toBe(401);
    expect((await fresh.app.request('/metrics')).status).toBe(401);
    await fresh.close();
  });

  it('counts requests by route and status, and jobs by state', async () => {
    t = await testAgent();
    qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'a.qcow2'), '4M');
    const job = await submit(
      t,
      await planFor(t, { kind: 'clone', volume: 'p1:a.qcow2', toPool: 'p2', name: 'b.qcow2' }),
    );
    expect(job.status).toBe(202);
    expect((await ended(t, job.body.id)).state).toBe('done');
    const res = await t.req('GET', '/metrics');
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const { samples } = parseProm(await res.text());
    expect(
      sampleOf(samples, 'vdisk_agent_requests_total', { route: '/v1/jobs', method: 'POST', status: '202' })?.value,
    ).toBe(1);
    expect(sampleOf(samples, 'vdisk_agent_request_duration_seconds_count', { route: '/v1/inventory' })?.value).toBe(1);
    expect(sampleOf(samples, 'vdisk_agent_jobs', { state: 'done' })?.value).toBe(1);
    expect(sampleOf(samples, 'vdisk_agent_jobs', { state: 'running' })?.value).toBe(0);
    expect(sampleOf(samples, 'vdisk_agent_ready')?.value).toBe(1);
  });
});

it("one request id in the gateway's log and the agent's", async () => {
  const agentLog: LogFields[] = [];
  t = await testAgent({}, (event, fields = {}) => agentLog.push({ event, ...fields }));
  const server = await listen(t.agent.app.fetch, '127.0.0.1:0');
  try {
    const gwLog: LogLine[] = [];
    const gw = createGatewayApp(
      {
        agents: [{ name: 'h1', url: `http://${server.address}`, secret: SECRET }],
        tokens: [{ token: 'r'.repeat(20), scope: 'read' }],
      },
      { log: (l) => gwLog.push(l) },
    );
    const res = await gw.request('/v1/inventory', {
      headers: { authorization: `Bearer ${'r'.repeat(20)}`, 'x-request-id': 'trace-7f3a' },
    });
    expect(res.status).toBe(200);
    expect(gwLog).toContainEqual(
      expect.objectContaining({ msg: 'request', path: '/v1/inventory', requestId: 'trace-7f3a' }),
    );
    expect(agentLog).toContainEqual(
      expect.objectContaining({ event: 'http', path: '/v1/inventory', status: 200, requestId: 'trace-7f3a' }),
    );
  } finally {
    await server.close();
  }
});

it('drain: streams get a retry hint and end, new requests 503, the stop waits for the step-end record', async () => {
  t = await testAgent();
  qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'a.qcow2'), '4M');
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let started!: () => void;
  const inStep = new Promise<void>((r) => (started = r));
  t.agent.ctx.stepHooks = {
    async beforeCall() {
      started();
      await held;
    },
  };
  const job = await submit(t, await planFor(t, { kind: 'clone', volume: 'p1:a.qcow2', toPool: 'p2', name: 'b.qcow2' }));
  expect(job.status).toBe(202);
  await inStep;
  const stream = sseReader(await t.req('GET', `/v1/jobs/${job.body.id}/events`));
  expect((await stream.nextEvent())?.event).toBeDefined();

  t.agent.ops.drain.start();
  const blocks: string[] = [];
  for (let b = await stream.next(); b; b = await stream.next()) blocks.push(b.raw);
  expect(blocks.at(-1)).toBe('retry: 1000');
  const refused = await t.req('GET', '/v1/inventory');
  expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual([503, 'E_AGENT_DRAINING']);
  expect((await t.req('GET', '/v1/ready')).status).toBe(503);

  const journal = () =>
    readFileSync(join(t!.config.stateDir, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { t: string; call?: string });
  let stoppedAfter: string | undefined;
  atStepBoundary(t.agent.jobs.jobs.values(), 60_000, ({ timedOut }) => {
    expect(timedOut).toBe(false);
    stoppedAfter = journal().at(-1)!.t;
  });
  expect(stoppedAfter).toBeUndefined(); // the step is still running
  expect(journal().at(-1)!.t).toBe('step-start');
  release();
  await expect.poll(() => stoppedAfter).toBe('step-end');
  await ended(t, job.body.id);
});
