// Idempotency keys under attack (issue 12, item 5): two concurrent submissions with one key and
// different bodies start exactly one job; keys are scoped per caller (x-vdisk-caller), so another
// caller's key neither blocks nor reveals a job; a mismatch answer names no job id.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ended, planFor, qemuImg, testAgent, type TestAgent } from '../agent/helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

/** Two volumes, so two plans touch disjoint files (the busy table cannot stop the second). */
async function twoPlans() {
  t = await testAgent();
  for (const n of ['a', 'b']) qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), `${n}.qcow2`), '1M');
  const one = await planFor(t, { kind: 'clone', volume: 'p1:a.qcow2', toPool: 'p2', name: 'a2.qcow2' }, 'x');
  const two = await planFor(t, { kind: 'clone', volume: 'p1:b.qcow2', toPool: 'p2', name: 'b2.qcow2' }, 'y');
  return { one, two };
}

async function post(plan: unknown, key: string, caller?: string) {
  const res = await t.req(
    'POST',
    '/v1/jobs',
    { plan },
    { headers: { 'idempotency-key': key, ...(caller ? { 'x-vdisk-caller': caller } : {}) } },
  );
  return { status: res.status, text: await res.text() };
}

describe('idempotency keys', () => {
  it('two concurrent submissions, one key, different bodies: exactly one job, the other 422', async () => {
    const { one, two } = await twoPlans();
    const answers = await Promise.all([post(one, 'race-key', 'alice'), post(two, 'race-key', 'alice')]);
    expect(answers.map((a) => a.status).sort()).toEqual([202, 422]);
    expect(JSON.parse(answers.find((a) => a.status === 422)!.text)).toMatchObject({ code: 'E_IDEMPOTENCY_MISMATCH' });
    expect(t.agent.jobs.jobs.size).toBe(1);
    for (const j of t.agent.jobs.jobs.values()) await ended(t, j.id);
  });

  it('two concurrent submissions, one key, one body: one job, both answers name it', async () => {
    const { one } = await twoPlans();
    const answers = await Promise.all([post(one, 'same-key', 'alice'), post(one, 'same-key', 'alice')]);
    const ids = answers.map((a) => (JSON.parse(a.text) as { id: string }).id);
    expect(ids[0]).toBe(ids[1]);
    expect(t.agent.jobs.jobs.size).toBe(1);
    await ended(t, ids[0]!);
  });

  it('two callers with the same key get two independent jobs, each recorded as started by its caller', async () => {
    const { one, two } = await twoPlans();
    const a = await post(one, 'shared-key', 'alice');
    const b = await post(two, 'shared-key', 'bob');
    expect([a.status, b.status]).toEqual([202, 202]);
    const [ja, jb] = [
      JSON.parse(a.text) as { id: string; startedBy: string },
      JSON.parse(b.text) as { id: string; startedBy: string },
    ];
    expect(ja.id).not.toBe(jb.id);
    expect([ja.startedBy, jb.startedBy]).toEqual(['alice', 'bob']);
    await ended(t, ja.id);
    await ended(t, jb.id);
  });

  it('a mismatch answer names no job id (not even the caller whose key it is)', async () => {
    const { one, two } = await twoPlans();
    const first = await post(one, 'k-1', 'alice');
    const id = (JSON.parse(first.text) as { id: string }).id;
    await ended(t, id);
    for (const caller of ['alice', undefined]) {
      const other = await post(two, 'k-1', caller);
      if (caller) {
        expect(other.status).toBe(422);
        expect(JSON.parse(other.text)).toMatchObject({ code: 'E_IDEMPOTENCY_MISMATCH' });
      }
      expect(other.text).not.toContain(id);
    }
  });
});
