// A retry deletes only the orphan its job left: the very file (device and inode in the orphan
// register), never a file that took its name since. The attack: a move's source delete fails (its
// lock is held), the operator removes the old file by hand, and a new image is made under the same
// name (a clone, a restore from backup). The inventory shows it as an ordinary volume; a later
// "Retry cleanup" of the old job must not delete it.
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../src/agent/agent.js';
import { silentLogger } from '../../src/agent/log.js';
import { LOCK, libc } from '../../src/io/native/libc.js';
import { ended, planFor, qemuImg, qemuIo, submit, testAgent, type TestAgent } from '../agent/helpers.js';

let t: TestAgent;
afterEach(async () => {
  await t?.close();
});

/** A move of p1:a.qcow2 whose source delete fails (another holder has its flock): the old path and the job. */
async function orphanedMove(): Promise<{ old: string; job: string }> {
  const old = join(t.pool('p1'), 'a.qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', old, '4M');
  const plan = await planFor(t, { kind: 'move', volume: 'p1:a.qcow2', toPool: 'p2', method: 'copy' });
  const lock = openSync(old, 'r');
  try {
    expect(libc()?.flock(lock, LOCK.EX | LOCK.NB)).toBe(0);
    const st = await ended(t, (await submit(t, plan)).body.id);
    expect([st.report?.outcome, st.report?.orphans.map((o) => o.path)]).toEqual(['done-with-orphans', [old]]);
    return { old, job: st.id };
  } finally {
    closeSync(lock);
  }
}

const retry = (job: string, key: string) =>
  t.req('POST', `/v1/jobs/${job}/retry`, undefined, { headers: { 'idempotency-key': key } });

describe('a retry deletes only the file its job left', () => {
  it('a new image made under the orphan name after it was removed by hand survives the retry', async () => {
    t = await testAgent();
    const { old, job } = await orphanedMove();
    rmSync(old);
    qemuImg('create', '-q', '-f', 'qcow2', old, '4M');
    qemuIo(old, 'write -P 0x5a 0 64k'); // someone's new data
    const before = readFileSync(old);
    const res = await retry(job, 'retry-replaced');
    const body = (await res.json()) as { id?: string; code?: string };
    if (res.status === 202) await ended(t, body.id!);
    else expect([res.status, body.code]).toEqual([409, 'E_AGENT_NOTHING_TO_RETRY']);
    expect(existsSync(old)).toBe(true);
    expect(readFileSync(old).equals(before)).toBe(true);
  });

  it('the orphan itself, still the same file, is deleted by the retry', async () => {
    t = await testAgent();
    const { old, job } = await orphanedMove();
    const res = await retry(job, 'retry-same');
    expect(res.status).toBe(202);
    expect((await ended(t, ((await res.json()) as { id: string }).id)).state).toBe('done');
    expect(existsSync(old)).toBe(false);
  });

  it('a plan sent with the retry call is not what runs: only the retry plan the agent builds (guard)', async () => {
    t = await testAgent();
    const { old, job } = await orphanedMove();
    const other = join(t.pool('p1'), 'other.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', other, '1M');
    const evil = { steps: [{ id: 'x', action: 'delete-file', params: { path: other, pool: 'p1', wipe: false } }] };
    const res = await t.req(
      'POST',
      `/v1/jobs/${job}/retry`,
      { plan: evil, request: { kind: 'delete' } },
      {
        headers: { 'idempotency-key': 'retry-with-plan' },
      },
    );
    expect(res.status).toBe(202);
    const st = await ended(t, ((await res.json()) as { id: string }).id);
    expect([st.state, existsSync(old), existsSync(other)]).toEqual(['done', false, true]);
  });

  it('an orphan removed by hand leaves nothing to retry, and no job runs', async () => {
    t = await testAgent();
    const { old, job } = await orphanedMove();
    rmSync(old);
    const res = await retry(job, 'retry-gone');
    expect([res.status, ((await res.json()) as { code?: string }).code]).toEqual([409, 'E_AGENT_NOTHING_TO_RETRY']);
    expect(t.agent.jobs.jobs.size).toBe(1); // the move only
  });

  // The report a retry is built from is read back from the journal: a hand-edited one is refused with
  // a stable code, and nothing runs.
  const edits: [string, (report: Record<string, unknown>) => void][] = [
    ['orphans is no list', (r) => (r.orphans = 'x')],
    ['an orphan is null', (r) => (r.orphans = [null])],
    ['an orphan has no cleanup', (r) => (r.orphans = [{ path: '/x', reason: 'r' }])],
    ['retry is no list', (r) => (r.retry = 5)],
  ];
  for (const [what, edit] of edits) {
    it(`a journaled report where ${what}: the retry is refused with a stable code, the orphan kept`, async () => {
      t = await testAgent();
      const { old, job } = await orphanedMove();
      await t.agent.close();
      const path = join(t.config.stateDir, 'journal.jsonl');
      const lines = readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      for (const r of lines) if (r.t === 'end' && r.job === job) edit(r.report);
      writeFileSync(path, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
      t.agent = createAgent(t.config, { log: silentLogger });
      await t.agent.start();
      const res = await retry(job, `retry-${what}`);
      const body = (await res.json()) as { code?: string };
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(body.code).toBe('E_AGENT_STATE_BAD');
      expect(existsSync(old)).toBe(true);
      expect(t.agent.jobs.jobs.size).toBe(1);
    });
  }
});
