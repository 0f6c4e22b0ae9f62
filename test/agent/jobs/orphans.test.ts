// A file a move's cleanup could not delete stays that job's orphan — in the inventory (state orphan,
// orphanOf the job) and not a new ordinary volume — across rescans, an agent restart and the job's
// compaction into the history file, until POST /v1/jobs/:id/retry deletes it. The identity comes from
// the agent's own report (path, device and inode): a new file later made under that name is no orphan.
import { closeSync, existsSync, openSync, rmSync } from 'node:fs';
import { LOCK, libc } from '../../../src/io/native/libc.js';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../../src/agent/agent.js';
import { silentLogger } from '../../../src/agent/log.js';
import { ended, planFor, qemuImg, submit, testAgent, type TestAgent } from '../helpers.js';

/** An exclusive flock another holder keeps (the agent's own delete then finds the file locked). */
function flockExclusive(fd: number): void {
  const r = libc()?.flock(fd, LOCK.EX | LOCK.NB);
  if (r !== 0) throw new Error(`flock: ${r}`);
}
let t: TestAgent;
const fds: number[] = [];
afterEach(async () => {
  for (const fd of fds.splice(0)) closeSync(fd);
  await t?.close();
});

interface Vol {
  id: string;
  path: string;
  state: string;
  orphanOf?: string;
}
const volumes = async () => ((await (await t.req('GET', '/v1/inventory')).json()) as { volumes: Vol[] }).volumes;
const at = async (path: string) => (await volumes()).filter((v) => v.path === path);

/** A move of p1:a.qcow2 to p2 whose source delete fails (another process holds its lock): the orphan and its job. */
async function orphanedMove(): Promise<{ old: string; job: string; lock: number }> {
  const old = join(t.pool('p1'), 'a.qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', old, '4M');
  const plan = await planFor(t, { kind: 'move', volume: 'p1:a.qcow2', toPool: 'p2', method: 'copy' });
  const lock = openSync(old, 'r');
  fds.push(lock);
  flockExclusive(lock);
  const st = await ended(t, (await submit(t, plan)).body.id);
  expect([st.state, st.report?.outcome, st.report?.orphans.map((o) => o.path)]).toEqual([
    'done',
    'done-with-orphans',
    [old],
  ]);
  return { old, job: st.id, lock };
}

async function restart(over: Record<string, unknown> = {}): Promise<void> {
  await t.agent.close();
  t.agent = createAgent({ ...t.config, ...over }, { log: silentLogger });
  await t.agent.start();
}

describe('orphans keep their identity until their retry deletes them', () => {
  it("rescans and a restart show the old file as the job's orphan; the retry deletes it; a plan cannot use it", async () => {
    t = await testAgent();
    const { old, job, lock } = await orphanedMove();
    for (let i = 0; i < 2; i++)
      expect(await at(old)).toEqual([expect.objectContaining({ state: 'orphan', orphanOf: job })]);
    const orphanId = (await at(old))[0]!.id;
    await expect(planFor(t, { kind: 'move', volume: orphanId, toPool: 'p2' })).rejects.toMatchObject({
      code: 'E_PLAN_ILLEGAL_VOLUME',
    });
    await restart();
    expect(await at(old)).toEqual([expect.objectContaining({ id: orphanId, state: 'orphan', orphanOf: job })]);
    closeSync(fds.splice(fds.indexOf(lock), 1)[0]!);
    const res = await t.req('POST', `/v1/jobs/${job}/retry`, undefined, { headers: { 'idempotency-key': 'retry-1' } });
    expect(res.status).toBe(202);
    expect((await ended(t, ((await res.json()) as { id: string }).id)).state).toBe('done');
    expect(existsSync(old)).toBe(false);
    expect(await at(old)).toEqual([]);
    expect((await volumes()).map((v) => v.path)).toEqual([join(t.pool('p2'), 'a.qcow2')]);
  });

  it('a retry that fails again passes the orphan to the retry job; compaction into the history keeps it', async () => {
    t = await testAgent({ keepJobs: 0 });
    const { old, job } = await orphanedMove();
    t.agent.jobs.compact();
    expect([t.agent.jobs.jobs.has(job), t.agent.jobs.history.has(job)]).toEqual([false, true]); // out of the journal
    await restart({ keepJobs: 0 });
    expect(await at(old)).toEqual([expect.objectContaining({ state: 'orphan', orphanOf: job })]);
    const res = await t.req('POST', `/v1/jobs/${job}/retry`, undefined, { headers: { 'idempotency-key': 'retry-1' } });
    const body = (await res.json()) as { id: string };
    expect(res.status, JSON.stringify(body)).toBe(202);
    const retry = await ended(t, body.id);
    expect([retry.state, retry.report?.orphans.map((o) => o.path)]).toEqual(['done', [old]]); // the lock is still held
    expect(await at(old)).toEqual([expect.objectContaining({ state: 'orphan', orphanOf: retry.id })]);
  });

  it("an agent whose state dir predates the register fills it from the journal's ended jobs at start", async () => {
    t = await testAgent();
    const { old, job } = await orphanedMove();
    await t.agent.close();
    rmSync(join(t.config.stateDir, 'orphans.json'));
    await restart();
    expect(await at(old)).toEqual([expect.objectContaining({ state: 'orphan', orphanOf: job })]);
  });

  it("a new file under the orphan's name is an ordinary volume", async () => {
    t = await testAgent({ inventoryTtlMs: 0 }); // changes made by hand are seen at once, not after the cache's TTL
    const { old } = await orphanedMove();
    closeSync(fds.pop()!);
    rmSync(old); // removed by hand, not by the retry
    expect(await at(old)).toEqual([]);
    qemuImg('create', '-q', '-f', 'qcow2', old, '4M');
    expect(await at(old)).toEqual([expect.objectContaining({ state: 'ok' })]);
    expect((await at(old))[0]!.orphanOf).toBeUndefined();
  });
});
