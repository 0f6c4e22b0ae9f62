// Bad job submissions are refused with stable codes and touch nothing: no journal entry, no file,
// no job. Plans are made by the real planner from the agent's inventory, then tampered with: the
// agent re-plans the request and runs only its own plan, so any edit is E_AGENT_PLAN_MISMATCH.
import { existsSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planFor, qemuImg, submit, testAgent, type TestAgent } from '../helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

async function clonePlan() {
  t = await testAgent();
  qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'a.qcow2'), '4M');
  return planFor(t, { kind: 'clone', volume: 'p1:a.qcow2', toPool: 'p2', name: 'b.qcow2' });
}

const journal = (t: TestAgent) => {
  const p = join(t.dir, 'state', 'journal.jsonl');
  return existsSync(p) ? readFileSync(p, 'utf8') : '';
};

function retarget(plan: Awaited<ReturnType<typeof clonePlan>>, path: string) {
  const copy = structuredClone(plan);
  const create = copy.steps.find((s) => s.action === 'create-volume')!;
  (create.params as { volume: { path: string } }).volume.path = path;
  return copy;
}

describe('refused job submissions', () => {
  it.each([
    ['a path outside the roots', (t: TestAgent) => join(t.dir, 'elsewhere.qcow2'), 422, 'E_AGENT_PLAN_MISMATCH'],
    ['a path with ..', (t: TestAgent) => `${t.pool('p2')}/../p1/x.qcow2`, 422, 'E_AGENT_PLAN_MISMATCH'],
    [
      'a symlink that leaves the roots',
      (t: TestAgent) => {
        symlinkSync(t.dir, join(t.pool('p2'), 'up'));
        return join(t.pool('p2'), 'up', 'x.qcow2');
      },
      422,
      'E_AGENT_PLAN_MISMATCH',
    ],
    [
      'a dangling symlink in the target place',
      (t: TestAgent) => {
        symlinkSync(join(t.dir, 'nowhere.qcow2'), join(t.pool('p2'), 'dangling.qcow2'));
        return join(t.pool('p2'), 'dangling.qcow2');
      },
      422,
      'E_AGENT_PLAN_MISMATCH',
    ],
  ])('%s', async (_name, target, status, code) => {
    const plan = await clonePlan();
    const before = readdirSync(t.dir).sort();
    const r = await submit(t, retarget(plan, target(t)));
    expect([r.status, r.body.code]).toEqual([status, code]);
    expect(journal(t)).toBe('');
    expect(readdirSync(t.pool('p2')).filter((f) => f.endsWith('.qcow2') && f !== 'dangling.qcow2')).toEqual([]);
    expect(readdirSync(t.dir).sort()).toEqual(before);
    expect(t.agent.jobs.jobs.size).toBe(0);
  });

  it('an unknown action, a plan for another host, a VM the agent does not have', async () => {
    const plan = await clonePlan();
    const unknown = structuredClone(plan) as unknown as { steps: { action: string }[] };
    unknown.steps[0]!.action = 'format-disk';
    expect(await submit(t, unknown).then((r) => [r.status, r.body.code])).toEqual([400, 'E_PLAN_BAD_PLAN']);
    expect(await submit(t, { ...plan, host: 'h2' }).then((r) => [r.status, r.body.code])).toEqual([
      422,
      'E_AGENT_WRONG_HOST',
    ]);
    const vmPlan = structuredClone(plan);
    vmPlan.steps.push({
      ...vmPlan.steps[0]!,
      id: 's99',
      action: 'qmp-job-dismiss',
      params: { vm: 'ghost', job: 'j' },
      undo: [],
    } as never);
    expect(await submit(t, vmPlan).then((r) => [r.status, r.body.code])).toEqual([422, 'E_AGENT_UNKNOWN_VM']);
    expect(journal(t)).toBe('');
  });

  it('a missing Idempotency-Key, a body that is not JSON, a plan the planner now refuses', async () => {
    const plan = await clonePlan();
    const noKey = await t.req('POST', '/v1/jobs', { plan });
    expect([noKey.status, ((await noKey.json()) as { code: string }).code]).toEqual([
      400,
      'E_IDEMPOTENCY_KEY_REQUIRED',
    ]);
    const bad = await t.req('POST', '/v1/jobs', '{not json', { headers: { 'idempotency-key': 'x' } });
    expect(((await bad.json()) as { code: string }).code).toBe('E_AGENT_BAD_REQUEST');
    qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p2'), 'b.qcow2'), '4M'); // the target appeared since planning
    expect(await submit(t, plan).then((r) => [r.status, r.body.code])).toEqual([422, 'E_PLAN_NAME_TAKEN']);
    expect(journal(t)).toBe('');
  });
});
