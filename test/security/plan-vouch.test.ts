// The agent runs only plans it can vouch for: a plan whose step was edited on the way (a backing
// name pointing at /etc/shadow) is refused with E_AGENT_PLAN_MISMATCH and writes nothing; a plan
// made from facts that changed since (a resized source) is E_PLAN_STALE with the fresh plan, which
// runs; allocation that grew since the preview (data written into the source) is no fact and runs.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ended, planFor, qemuImg, qemuIo, submit, testAgent, type TestAgent } from '../agent/helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

const journal = (t: TestAgent) => {
  const p = join(t.dir, 'state', 'journal.jsonl');
  return existsSync(p) ? readFileSync(p, 'utf8') : '';
};

/** base.qcow2 ← top.qcow2 in p1, and a shallow clone of top into p2 planned by the real planner. */
async function shallowClonePlan() {
  // The operator states top.qcow2's format: a probed qcow2 on a backing is no plan source.
  t = await testAgent({ adopt: [{ volume: 'p1:top.qcow2', format: 'qcow2' }] });
  qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'base.qcow2'), '4M');
  qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', join(t.pool('p1'), 'top.qcow2'));
  return planFor(t, { kind: 'clone', volume: 'p1:top.qcow2', toPool: 'p2', name: 'c.qcow2', shape: 'shallow' });
}

describe('the agent runs only the plan it re-derives', () => {
  it('a created volume whose backingName was edited to /etc/shadow: 422 E_AGENT_PLAN_MISMATCH, no journal record, no file', async () => {
    const plan = await shallowClonePlan();
    const edited = structuredClone(plan);
    const create = edited.steps.find((s) => s.action === 'create-volume')!;
    const volume = (create.params as { volume: { backingName: string | null } }).volume;
    expect(volume.backingName).toBe('../p1/base.qcow2'); // the planner's own relative name
    volume.backingName = '/etc/shadow';
    const r = await submit(t, edited);
    expect([r.status, r.body.code]).toEqual([422, 'E_AGENT_PLAN_MISMATCH']);
    expect(journal(t)).toBe('');
    expect(readdirSync(t.pool('p2'))).toEqual([]);
    expect(t.agent.jobs.jobs.size).toBe(0);
  });

  it('the plan as the planner made it runs', async () => {
    const plan = await shallowClonePlan();
    const r = await submit(t, plan);
    expect(r.status).toBe(202);
    expect((await ended(t, r.body.id)).state).toBe('done');
    const info = JSON.parse(qemuImg('info', '--output=json', '-U', join(t.pool('p2'), 'c.qcow2'))) as {
      'backing-filename': string;
    };
    expect(info['backing-filename']).toBe('../p1/base.qcow2');
  });

  it('a source resized after the preview: 409 E_PLAN_STALE with a fresh plan, which then runs', async () => {
    const plan = await shallowClonePlan();
    qemuImg('resize', '-q', '-f', 'qcow2', join(t.pool('p1'), 'top.qcow2'), '8M');
    const r = await submit(t, plan);
    expect([r.status, r.body.code]).toEqual([409, 'E_PLAN_STALE']);
    expect(journal(t)).toBe('');
    expect(readdirSync(t.pool('p2'))).toEqual([]);
    const fresh = r.body.plan as typeof plan;
    expect(fresh.id).toBe(plan.id); // the same ids: only the facts moved
    expect(fresh.facts).not.toBe(plan.facts);
    const again = await submit(t, fresh);
    expect(again.status).toBe(202);
    expect((await ended(t, again.body.id)).state).toBe('done');
    const info = JSON.parse(qemuImg('info', '--output=json', '-U', join(t.pool('p2'), 'c.qcow2'))) as {
      'virtual-size': number;
    };
    expect(info['virtual-size']).toBe(8 << 20);
  });

  it('a backing rebased after the preview (qemu-img rebase -u): 409 E_PLAN_STALE', async () => {
    const plan = await shallowClonePlan();
    qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'other.qcow2'), '4M');
    qemuImg('rebase', '-u', '-f', 'qcow2', '-b', 'other.qcow2', '-F', 'qcow2', join(t.pool('p1'), 'top.qcow2'));
    const r = await submit(t, plan);
    expect([r.status, r.body.code]).toEqual([409, 'E_PLAN_STALE']);
    const create = (r.body.plan as typeof plan).steps.find((s) => s.action === 'create-volume')!;
    expect((create.params as { volume: { backingName: string } }).volume.backingName).toBe('../p1/other.qcow2');
  });

  it('data written into the source after the preview (allocation drift only) still runs, and the copy has the data', async () => {
    t = await testAgent({ inventoryTtlMs: 0 }); // each GET /v1/inventory refreshes: the test reads the drift through it
    const src = join(t.pool('p1'), 'a.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', src, '4M');
    const allocated = async () =>
      (
        (await (await t.req('GET', '/v1/inventory')).json()) as { volumes: { id: string; allocated: number }[] }
      ).volumes.find((v) => v.id === 'p1:a.qcow2')!.allocated;
    const before = await allocated();
    const plan = await planFor(t, { kind: 'clone', volume: 'p1:a.qcow2', toPool: 'p2', name: 'b.qcow2' });
    qemuIo(src, 'write -P 0x5a 0 2M');
    expect(await allocated()).toBeGreaterThan(before + (1 << 20));
    const r = await submit(t, plan);
    expect(r.status).toBe(202);
    expect((await ended(t, r.body.id)).state).toBe('done'); // the full verify compared the data
    expect(qemuImg('compare', '-q', '-f', 'qcow2', '-F', 'qcow2', src, join(t.pool('p2'), 'b.qcow2'))).toBe('');
  });
});
