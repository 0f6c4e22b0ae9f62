// The rename step after a crash: the agent is stopped inside rename-volumes at the two places a kill
// can leave it (inodes journaled, nothing renamed; file renamed, records not yet moved), restarted on
// the same state dir, and recovers the job from its journal to the same end as an uninterrupted run:
// the same inode at the new name, the volume's id kept and legal there. A file that is not the one
// journaled, or a new name already taken, stops the step with E_AGENT_RENAME_CONFLICT and nothing
// is replaced. Real agent, real files.
import { linkSync, renameSync, statSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../../src/agent/agent.js';
import { now } from '../../../src/agent/jobs/journal.js';
import { silentLogger } from '../../../src/agent/log.js';
import { renameVolumes } from '../../../src/agent/storage/rename-volumes.js';
import { ended, planFor, qemuImg, submit, testAgent, type TestAgent } from '../helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

const MOVE = { kind: 'move', volume: 'p1:a.qcow2', toPool: 'p2' };

async function setUp() {
  t = await testAgent({ adopt: [{ volume: 'p1:a.qcow2', format: 'qcow2' }] });
  const from = join(t.pool('p1'), 'a.qcow2');
  const to = join(t.pool('p2'), 'a.qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', from, '4M');
  return { from, to, ino: statSync(from).ino, dev: statSync(from).dev };
}

/** Stops the agent inside rename-volumes after `crash` has done by hand what the step had done. */
async function killedInRename(crash: (job: string) => void): Promise<string> {
  const plan = await planFor(t, MOVE);
  expect(plan.steps.map((s) => s.action)).toEqual(['flush-volume', 'rename-volumes']);
  let stopped!: () => void;
  const inside = new Promise<void>((r) => (stopped = r));
  let job = '';
  t.agent.ctx.stepHooks = {
    async beforeCall(call) {
      if (call.action !== 'rename-volumes') return;
      crash(job);
      stopped();
      await new Promise(() => undefined); // the agent "dies" here
    },
  };
  job = (await submit(t, plan)).body.id;
  await inside;
  await t.agent.close();
  const again = createAgent({ ...t.config }, { log: silentLogger });
  t.agent = again;
  const resumed = again.jobs.recover();
  expect(resumed.map((j) => j.id)).toEqual([job]);
  await resumed[0]!.ended;
  return job;
}

async function volume(path: string) {
  const inv = await (await t.req('GET', '/v1/inventory')).json();
  return inv.volumes.find((v: { path: string }) => v.path === path);
}

describe('rename-volumes after a kill', () => {
  it('killed after journaling the inode, before the rename: the restarted agent renames', async () => {
    const { from, to, ino, dev } = await setUp();
    const job = await killedInRename((j) => {
      t.agent.ctx.journal.append({ t: 'rename', job: j, call: 's2', files: [{ from, to, dev, ino }], at: now() });
    });
    expect(t.agent.jobs.get(job).state).toBe('done');
    expect([existsSync(from), statSync(to).ino]).toEqual([false, ino]);
    expect(await volume(to)).toMatchObject({ id: 'p1:a.qcow2', pool: 'p2', state: 'ok' });
  });

  it('killed after the rename, before the records moved: the inode says it happened, the records follow', async () => {
    const { from, to, ino, dev } = await setUp();
    const job = await killedInRename((j) => {
      t.agent.ctx.journal.append({ t: 'rename', job: j, call: 's2', files: [{ from, to, dev, ino }], at: now() });
      renameSync(from, to);
    });
    expect(t.agent.jobs.get(job).state).toBe('done');
    expect(statSync(to).ino).toBe(ino);
    expect(await volume(to)).toMatchObject({ id: 'p1:a.qcow2', pool: 'p2', state: 'ok' });
  });

  it('killed between link and unlink (the fallback without renameat2): the old name goes', async () => {
    const { from, to, ino, dev } = await setUp();
    const job = await killedInRename((j) => {
      t.agent.ctx.journal.append({ t: 'rename', job: j, call: 's2', files: [{ from, to, dev, ino }], at: now() });
      linkSync(from, to);
    });
    expect(t.agent.jobs.get(job).state).toBe('done');
    expect([existsSync(from), statSync(to).ino, statSync(to).nlink]).toEqual([false, ino, 1]);
  });

  it('another file at the new name: E_AGENT_RENAME_CONFLICT, it is not replaced, the source stays', async () => {
    const { from, to } = await setUp();
    const plan = await planFor(t, MOVE);
    t.agent.ctx.stepHooks = {
      beforeCall: (call) => {
        if (call.action === 'rename-volumes') writeFileSync(to, 'somebody else'); // after the plan's checks
      },
    };
    const st = await ended(t, (await submit(t, plan)).body.id);
    expect(st.report?.failure).toMatchObject({ action: 'rename-volumes', code: 'E_AGENT_RENAME_CONFLICT' });
    expect(readFileSync(to, 'utf8')).toBe('somebody else');
    expect(existsSync(from)).toBe(true);
  });

  it('a source that is not the journaled inode (swapped after the check): conflict, nothing moved', async () => {
    const { from, to, dev } = await setUp();
    expect(await volume(from)).toMatchObject({ id: 'p1:a.qcow2', pool: 'p1', state: 'ok' });
    const ctx = t.agent.ctx;
    ctx.journal.append({ t: 'rename', job: 'jx', call: 's2', files: [{ from, to, dev, ino: 1 }], at: now() });
    const moves = [{ volume: 'p1:a.qcow2', pool: 'p2', fromPath: from, toPath: to }];
    await expect(renameVolumes(ctx, moves, { job: 'jx', call: 's2', marker: 'jx:s2' })).rejects.toMatchObject({
      code: 'E_AGENT_RENAME_CONFLICT',
    });
    expect([existsSync(from), existsSync(to)]).toEqual([true, false]);
    expect(await volume(from)).toMatchObject({ id: 'p1:a.qcow2', pool: 'p1', state: 'ok' });
  });
});
