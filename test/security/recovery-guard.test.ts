// Recovery runs only journal plans that pass the checks a submitted plan passes: a journal edited
// by hand (a create-volume moved outside the storage roots) ends that job failed with the check's
// code, and no step of it starts.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../src/agent/agent.js';
import { silentLogger } from '../../src/agent/log.js';
import { planFor, qemuImg, SECRET, testAgent } from '../agent/helpers.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
});

describe('recovery checks the journal plans', () => {
  it('a journal plan that writes outside the roots ends failed with E_AGENT_PATH_OUTSIDE_ROOTS, no step runs, no file', async () => {
    const t = await testAgent();
    cleanup.push(async () => rmSync(t.dir, { recursive: true, force: true }));
    qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'a.qcow2'), '4M');
    const plan = await planFor(t, { kind: 'clone', volume: 'p1:a.qcow2', toPool: 'p2', name: 'b.qcow2' });
    await t.agent.close();
    const evil = join(t.dir, 'evil.qcow2');
    for (const s of plan.steps) {
      if (s.action === 'create-volume') (s.params.volume as { path: string }).path = evil;
    }
    const journal = join(t.dir, 'state', 'journal.jsonl');
    writeFileSync(
      journal,
      `${JSON.stringify({ t: 'job', job: 'job-edited', plan, key: 'k', bodyHash: 'h', at: new Date().toISOString() })}\n`,
    );
    const agent: Agent = createAgent(
      {
        name: 'h1',
        roots: [
          { name: 'p1', dir: t.pool('p1') },
          { name: 'p2', dir: t.pool('p2') },
        ],
        vms: [],
        listen: '127.0.0.1:0',
        secret: SECRET,
        stateDir: join(t.dir, 'state'),
        jobTimeoutMs: 60_000,
        heartbeatMs: 50,
      },
      { log: silentLogger },
    );
    cleanup.unshift(() => agent.close());
    await agent.start();
    const job = agent.jobs.get('job-edited');
    await job.ended;
    expect(job.status()).toMatchObject({ state: 'failed', error: { code: 'E_AGENT_PATH_OUTSIDE_ROOTS' } });
    const records = readFileSync(journal, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { t: string });
    expect(records.map((r) => r.t)).toEqual(['job', 'end']);
    expect(existsSync(evil)).toBe(false);
  });
});
