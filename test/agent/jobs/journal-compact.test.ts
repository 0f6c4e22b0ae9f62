// Journal compaction (issue 12, item 6): finished jobs beyond --keep-jobs move to history.jsonl, the
// journal is rewritten without them, and they stay visible to GET /v1/jobs/:id, their events and the
// list (which pages newest first through memory and history alike). A crash after any step of a
// compaction leaves a state dir from which a fresh agent recovers the same open job and lists every
// finished job once.
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../../src/agent/agent.js';
import type { CompactStep } from '../../../src/agent/jobs/journal-compact.js';
import { silentLogger } from '../../../src/agent/log.js';
import { ended, planFor, qemuImg, testAgent, type TestAgent } from '../helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

const plans: unknown[] = [];

async function finishedJobs(n: number): Promise<string[]> {
  qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'a.qcow2'), '64k');
  const ids: string[] = [];
  plans.length = 0;
  for (let i = 0; i < n; i++) {
    const plan = await planFor(t, { kind: 'clone', volume: 'p1:a.qcow2', toPool: 'p2', name: `c${i}.qcow2` }, `g${i}`);
    plans.push(plan);
    const r = await t.req(
      'POST',
      '/v1/jobs',
      { plan },
      { headers: { 'idempotency-key': `k${i}`, 'x-vdisk-caller': 'alice' } },
    );
    const id = ((await r.json()) as { id: string }).id;
    expect((await ended(t, id)).state).toBe('done');
    ids.push(id);
  }
  return ids;
}

const journalText = () => readFileSync(join(t.dir, 'state', 'journal.jsonl'), 'utf8');
const historyLines = () =>
  readFileSync(join(t.dir, 'state', 'history.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean);
const listAll = async () =>
  ((await (await t.req('GET', '/v1/jobs?limit=500')).json()) as { jobs: { id: string }[] }).jobs.map((j) => j.id);

describe('journal compaction', () => {
  it('moves finished jobs past --keep-jobs to the history file; they stay listed, readable and streamable', async () => {
    t = await testAgent({ keepJobs: 2 });
    const ids = await finishedJobs(4); // the 4th end passes the threshold (2 kept + a quarter, at least 1)
    expect(historyLines().map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(ids.slice(0, 2));
    for (const id of ids.slice(0, 2)) expect(journalText()).not.toContain(id);
    for (const id of ids.slice(2)) expect(journalText()).toContain(id);
    expect(await listAll()).toEqual([...ids].reverse());
    const old = await t.req('GET', `/v1/jobs/${ids[0]}`);
    expect(await old.json()).toMatchObject({ id: ids[0], state: 'done', startedBy: 'alice', progress: 1 });
    expect(await (await t.req('GET', `/v1/jobs/${ids[0]}/events`)).text()).toContain('event: end');
    // A compacted job's key is free again; a kept one still answers with its job.
    const kept = await t.req(
      'POST',
      '/v1/jobs',
      { plan: plans[3] },
      { headers: { 'idempotency-key': 'k3', 'x-vdisk-caller': 'alice' } },
    );
    expect([kept.status, ((await kept.json()) as { id: string }).id]).toEqual([200, ids[3]]);
  });

  it('pages newest first through memory and history: limit=1 pages give every job once', async () => {
    t = await testAgent({ keepJobs: 1 });
    const ids = await finishedJobs(4);
    expect(historyLines().length).toBeGreaterThan(0);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.req('GET', `/v1/jobs?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      const page = (await res.json()) as { jobs: { id: string }[]; next: string | null };
      expect(page.jobs.length).toBe(1);
      seen.push(page.jobs[0]!.id);
      cursor = page.next;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual([...ids].reverse());
    for (const q of ['limit=0', 'limit=501', 'limit=x', 'cursor=bm9wZQ']) {
      const bad = await t.req('GET', `/v1/jobs?${q}`);
      expect([bad.status, ((await bad.json()) as { code: string }).code]).toEqual([400, 'E_AGENT_BAD_PAGE']);
    }
  });

  it('a crash after any compaction step: the same open job is recovered, every finished job listed once', async () => {
    t = await testAgent();
    const done = await finishedJobs(3);
    const plan = await planFor(t, { kind: 'clone', volume: 'p1:a.qcow2', toPool: 'p2', name: 'open.qcow2' }, 'o');
    t.agent.ctx.journal.append({
      t: 'job',
      job: 'job-open',
      plan,
      key: 'open',
      bodyHash: 'h',
      caller: 'alice',
      at: new Date().toISOString(),
    });
    await t.agent.close();
    const state = join(t.dir, 'state');
    cpSync(state, join(t.dir, 'snapshot'), { recursive: true });
    const steps: CompactStep[] = ['history-written', 'journal-written', 'journal-renamed'];
    for (const step of steps) {
      rmSync(state, { recursive: true, force: true });
      rmSync(join(t.pool('p2'), 'open.qcow2'), { force: true });
      cpSync(join(t.dir, 'snapshot'), state, { recursive: true });
      const crashing = createAgent({ ...t.config, keepJobs: 1 }, { log: silentLogger });
      expect(crashing.jobs.recover(false).map((j) => j.id)).toEqual(['job-open']);
      expect(() =>
        crashing.jobs.compact((s) => {
          if (s === step) throw new Error(`crash after ${s}`);
        }),
      ).toThrow(step);
      await crashing.close();

      t.agent = createAgent({ ...t.config, keepJobs: 1 }, { log: silentLogger });
      const resumed = await t.agent.start();
      expect(
        resumed.map((j) => j.id),
        step,
      ).toEqual(['job-open']);
      expect(await ended(t, 'job-open')).toMatchObject({ state: 'done', startedBy: 'alice' });
      expect((await listAll()).sort(), step).toEqual([...done, 'job-open'].sort());
      for (const id of done) expect((await t.req('GET', `/v1/jobs/${id}`)).status, step).toBe(200);
      expect(journalText()).toContain('job-open');
      await t.agent.close();
    }
    t.agent = createAgent(t.config, { log: silentLogger });
  });
});
