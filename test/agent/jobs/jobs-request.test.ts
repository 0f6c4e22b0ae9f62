// POST /v1/jobs { request }: for scripts that want no preview. The agent plans the request against
// its own inventory with fresh ids and runs that plan; a request the planner refuses touches nothing.
// { retryOf } asks for the retry plan of a job this agent ran (built from its own plan and report).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ended, qemuImg, testAgent, type TestAgent } from '../helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

const post = async (body: unknown) => {
  const res = await t.req('POST', '/v1/jobs', body, { headers: { 'idempotency-key': `k-${Math.random()}` } });
  return { status: res.status, body: (await res.json()) as { id: string; planId: string; code?: string } };
};

describe('POST /v1/jobs { request }', () => {
  it('plans with fresh agent ids and runs', async () => {
    t = await testAgent();
    qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'a.qcow2'), '4M');
    const r = await post({ request: { kind: 'clone', volume: 'p1:a.qcow2', toPool: 'p2', name: 'b.qcow2' } });
    expect(r.status).toBe(202);
    expect(r.body.planId).toMatch(/^a[a-z0-9]{8}p[0-9]+$/);
    expect((await ended(t, r.body.id)).state).toBe('done');
    expect(existsSync(join(t.pool('p2'), 'b.qcow2'))).toBe(true);
  });

  it('{ retryOf } a job that left nothing to retry: 409 E_AGENT_NOTHING_TO_RETRY; an unknown job: 404', async () => {
    t = await testAgent();
    qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'a.qcow2'), '4M');
    const r = await post({ request: { kind: 'clone', volume: 'p1:a.qcow2', toPool: 'p2', name: 'b.qcow2' } });
    await ended(t, r.body.id);
    expect(await post({ retryOf: r.body.id }).then((x) => [x.status, x.body.code])).toEqual([
      409,
      'E_AGENT_NOTHING_TO_RETRY',
    ]);
    expect(await post({ retryOf: 'job-nope' }).then((x) => [x.status, x.body.code])).toEqual([
      404,
      'E_AGENT_UNKNOWN_JOB',
    ]);
    expect(t.agent.jobs.jobs.size).toBe(1);
  });

  it('a request the planner refuses answers its code and writes nothing', async () => {
    t = await testAgent();
    const r = await post({ request: { kind: 'clone', volume: 'p1:ghost.qcow2', toPool: 'p2', name: 'b.qcow2' } });
    expect([r.status, r.body.code]).toEqual([404, 'E_PLAN_UNKNOWN_VOLUME']);
    expect(readdirSync(t.pool('p2'))).toEqual([]);
    expect(t.agent.jobs.jobs.size).toBe(0);
  });
});
