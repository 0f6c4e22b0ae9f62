// Through the gateway to a real agent: `{ request }` is planned and run by the agent; a previewed
// plan edited on the way answers the agent's 422 E_AGENT_PLAN_MISMATCH; a plan whose facts changed
// since the preview answers 409 E_PLAN_STALE with the agent's fresh plan, which then runs.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../src/agent/agent.js';
import { silentLogger } from '../../src/agent/log.js';
import { listen } from '../../src/agent/server.js';
import { createGatewayApp } from '../../src/gateway/app.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import { qemuImg } from '../agent/helpers.js';
import { json, rand } from '../gateway/helpers/setup.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

async function world() {
  const dir = mkdtempSync(join(tmpdir(), 'vgw-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  for (const p of ['p1', 'p2']) mkdirSync(join(dir, p));
  qemuImg('create', '-q', '-f', 'qcow2', join(dir, 'p1', 'base.qcow2'), '4M');
  qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', join(dir, 'p1', 'top.qcow2'));
  const secret = `agent-${rand()}`;
  const agent: Agent = createAgent(
    {
      name: 'h1',
      roots: [
        { name: 'p1', dir: join(dir, 'p1') },
        { name: 'p2', dir: join(dir, 'p2') },
      ],
      vms: [],
      listen: '127.0.0.1:0',
      secret,
      stateDir: join(dir, 'state'),
      jobTimeoutMs: 60_000,
      heartbeatMs: 1_000,
      adopt: [{ volume: 'p1:top.qcow2', format: 'qcow2' }], // stated: a probed qcow2 on a backing is no plan source
    },
    { log: silentLogger },
  );
  await agent.start();
  const server = await listen(agent.app.fetch, '127.0.0.1:0');
  cleanups.push(async () => {
    await server.close();
    await agent.close();
  });
  const token = `w${rand()}`;
  const app = createGatewayApp(
    {
      agents: [{ name: 'h1', url: `http://${server.address}`, secret }],
      tokens: [{ token, scope: 'write' }],
    },
    { log: () => {} },
  );
  const call = async (path: string, body: unknown) => {
    const res = await app.request(
      path,
      json(body, { authorization: `Bearer ${token}`, 'idempotency-key': `k-${rand(8)}` }),
    );
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown> & { code?: string; id?: string; plan?: Plan },
    };
  };
  const finished = async (publicId: string) => {
    const job = agent.jobs.get(publicId.split('~')[1]!);
    await job.ended;
    return job.status();
  };
  return { dir, agent, call, finished };
}

const clone = { kind: 'clone', volume: 'p1:top.qcow2', toPool: 'p2', name: 'c.qcow2', shape: 'shallow' };

describe('the gateway relays what the agent vouches for', () => {
  it('{ request } is planned and run by the agent with its own ids', async () => {
    const w = await world();
    const r = await w.call('/v1/jobs', { request: clone });
    expect(r.status).toBe(202);
    const status = await w.finished(r.body.id!);
    expect(status.state).toBe('done');
    expect(status.planId).toMatch(/^a[a-z0-9]{8}p[0-9]+$/);
    expect(readdirSync(join(w.dir, 'p2'))).toEqual(['c.qcow2']);
    // { retryOf } reaches the job's agent, which builds the retry plan itself: here there is none.
    expect(await w.call('/v1/jobs', { retryOf: r.body.id }).then((x) => [x.status, x.body.code])).toEqual([
      409,
      'E_AGENT_NOTHING_TO_RETRY',
    ]);
    expect(await w.call('/v1/jobs', { retryOf: 'h1~job-nope' }).then((x) => [x.status, x.body.code])).toEqual([
      404,
      'E_AGENT_UNKNOWN_JOB',
    ]);
    expect(
      await w.call('/v1/jobs', { retryOf: r.body.id, request: clone }).then((x) => [x.status, x.body.code]),
    ).toEqual([400, 'E_GATEWAY_BAD_REQUEST']);
  });

  it('a previewed plan with an edited backing name: 422 E_AGENT_PLAN_MISMATCH, nothing written', async () => {
    const w = await world();
    const preview = await w.call('/v1/plans', { request: clone });
    const plan = preview.body.plan!;
    expect(plan.facts).toMatch(/^sha256:[0-9a-f]{64}$/);
    const create = plan.steps.find((s) => s.action === 'create-volume')!;
    (create.params as { volume: { backingName: string } }).volume.backingName = '/etc/shadow';
    const r = await w.call('/v1/jobs', { plan });
    expect([r.status, r.body.code]).toEqual([422, 'E_AGENT_PLAN_MISMATCH']);
    expect(readdirSync(join(w.dir, 'p2'))).toEqual([]);
    expect(w.agent.jobs.jobs.size).toBe(0);
  });

  it('facts changed since the preview: 409 E_PLAN_STALE with the fresh plan, which runs when submitted', async () => {
    const w = await world();
    const preview = await w.call('/v1/plans', { request: clone });
    qemuImg('resize', '-q', '-f', 'qcow2', join(w.dir, 'p1', 'top.qcow2'), '8M');
    const stale = await w.call('/v1/jobs', { plan: preview.body.plan });
    expect([stale.status, stale.body.code]).toEqual([409, 'E_PLAN_STALE']);
    expect(stale.body.plan!.id).toBe(preview.body.plan!.id);
    expect(stale.body.plan!.facts).not.toBe(preview.body.plan!.facts);
    const r = await w.call('/v1/jobs', { plan: stale.body.plan });
    expect(r.status).toBe(202);
    expect((await w.finished(r.body.id!)).state).toBe('done');
  });
});
