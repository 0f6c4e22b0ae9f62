// Attack: a plan (or a clone request) creates a file setuid, setgid, sticky or world-writable, or
// gives it to root when its source is not root's. Refused with a stable code: by the planner for a
// request (E_PLAN_UNSAFE_MODE), by the agent for any plan (E_AGENT_UNSAFE_MODE, E_AGENT_OWNER_ROOT).
// A mode inherited from a world-writable source is masked, not refused.
import { chmodSync, chownSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAgentArgs } from '../../src/agent/config.js';
import { planRequest } from '../../src/plan/plan.js';
import { counterIds } from '../../src/plan/ids.js';
import { world, vol } from '../plan/fixtures.js';
import { ended, qemuImg, submit, testAgent, type TestAgent } from '../agent/helpers.js';
import { clonePlan, expectRefused, poolFiles, type AnyPlan } from './helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

/** p1/a.qcow2, owned by `uid` (made before the agent first scans it: the scan's owner is then kept). */
function source(t: TestAgent, uid?: number): void {
  qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'a.qcow2'), '4M');
  if (uid !== undefined) chownSync(join(t.pool('p1'), 'a.qcow2'), uid, uid);
}

const createdVolume = (plan: AnyPlan) =>
  (plan.steps.find((s) => s.action === 'create-volume')!.params as { volume: { mode: string; owner: string } }).volume;

function plannedMode(mode: string | undefined, sourceMode = '0600'): string {
  const w = world({ running: false });
  w.volumes!.push(vol('src', 'p1', 'src.qcow2', { mode: sourceMode }));
  const plan = planRequest(
    { kind: 'clone', volume: 'src', toPool: 'p2', name: 'c.qcow2', ...(mode ? { mode } : {}) },
    w,
    counterIds('t'),
  );
  return createdVolume(plan as AnyPlan).mode;
}

describe('modes and owners of the files a plan creates', () => {
  it.each(['4777', '4755', '2755', '1777', '0666', '0777', '0602', '777'])(
    'the planner refuses a requested mode %s (E_PLAN_UNSAFE_MODE)',
    (mode) => {
      expect(() => plannedMode(mode)).toThrow(expect.objectContaining({ code: 'E_PLAN_UNSAFE_MODE' }));
    },
  );

  it('the planner keeps a safe requested mode, as 0NNN', () => {
    expect(plannedMode('0640')).toBe('0640');
    expect(plannedMode('640')).toBe('0640');
  });

  it('a mode inherited from the source is masked: no special bits, no world-write', () => {
    expect(plannedMode(undefined, '0666')).toBe('0664');
    expect(plannedMode(undefined, '4777')).toBe('0775');
    expect(plannedMode(undefined, '0640')).toBe('0640');
  });

  it.each(['4777', '2755', '0666'])('the agent refuses a plan that creates a file with mode %s', async (mode) => {
    t = await testAgent();
    const plan = structuredClone(await clonePlan(t, { mode: '0640' }));
    createdVolume(plan).mode = mode;
    (plan.request as { mode?: string }).mode = mode;
    const before = poolFiles(t);
    // The edited request itself is refused by the agent's planner when it re-derives the plan.
    expectRefused(t, await submit(t, plan), ['E_AGENT_UNSAFE_MODE', 'E_PLAN_UNSAFE_MODE'], before);
  });

  it('a world-writable source is cloned with world-write masked', async () => {
    t = await testAgent();
    source(t);
    chmodSync(join(t.pool('p1'), 'a.qcow2'), 0o666);
    const plan = await clonePlan(t);
    expect(createdVolume(plan).mode).toBe('0664');
    const r = await submit(t, plan);
    expect(r.status).toBe(202);
    expect((await ended(t, r.body.id)).state).toBe('done');
    expect(statSync(join(t.pool('p2'), 'b.qcow2')).mode & 0o7777).toBe(0o664);
  });

  it.each(['root', '0'])(
    "owner %s for a copy of a file that is not root's: refused unless --allow-owner root",
    async (owner) => {
      t = await testAgent();
      source(t, 1234);
      const plan = await clonePlan(t, { owner });
      const before = poolFiles(t);
      expectRefused(t, await submit(t, plan), 'E_AGENT_OWNER_ROOT', before);
      await t.close();

      t = await testAgent({ allowOwnerRoot: true });
      source(t, 1234);
      const allowed = await submit(t, await clonePlan(t, { owner }));
      expect(allowed.status).toBe(202);
      expect((await ended(t, allowed.body.id)).state).toBe('done');
      expect(statSync(join(t.pool('p2'), 'b.qcow2')).uid).toBe(0);
    },
  );

  it('owner root for a copy of a file root owns is allowed', async () => {
    t = await testAgent();
    source(t, 0);
    const r = await submit(t, await clonePlan(t, { owner: 'root' }));
    expect(r.status).toBe(202);
    expect((await ended(t, r.body.id)).state).toBe('done');
  });

  it('--allow-owner takes only root; without it uid 0 is not allowed', async () => {
    t = await testAgent();
    const secret = join(t.dir, 'secret');
    writeFileSync(secret, 'a secret of enough length', { mode: 0o600 });
    const args = ['--root', `p1=${t.pool('p1')}`, '--secret-file', secret];
    expect(parseAgentArgs(args).allowOwnerRoot).toBe(false);
    expect(parseAgentArgs([...args, '--allow-owner', 'root']).allowOwnerRoot).toBe(true);
    expect(() => parseAgentArgs([...args, '--allow-owner', 'alice'])).toThrow(
      expect.objectContaining({ code: 'E_USAGE', detail: expect.objectContaining({ field: 'allow-owner' }) }),
    );
  });
});
