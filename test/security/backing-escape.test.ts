// Attack: a plan writes an image whose header names a host file (/etc/shadow) as its backing, in
// every place a plan can carry a backing name: the volume record create-volume writes, rebase-offline,
// and (unit, on plan objects: test/security/containment.test.ts) qemu's blockdev-create and
// block-commit and the inventory's set-backing. QEMU or libvirt reopening such an image from its
// header would hand the host file to a guest. Refused before anything is written.
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ended, planFor, qemuImg, submit, testAgent, type TestAgent } from '../agent/helpers.js';
import { clonePlan, expectRefused, poolFiles, type AnyPlan } from './helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

const names: [string, (t: TestAgent) => string][] = [
  ['an absolute name', () => '/etc/shadow'],
  ['a relative name that climbs out', () => `${'../'.repeat(16)}etc/shadow`],
  [
    'a name through an in-root link to /etc',
    (t) => {
      symlinkSync('/etc', join(t.pool('p1'), 'etc'));
      return '../p1/etc/shadow';
    },
  ],
];

function withBacking(plan: AnyPlan, name: string): AnyPlan {
  const copy = structuredClone(plan);
  const create = copy.steps.find((s) => s.action === 'create-volume')!;
  Object.assign((create.params as { volume: object }).volume, { backingName: name, backing: 'p1:a.qcow2' });
  return copy;
}

function withRebase(plan: AnyPlan, name: string): AnyPlan {
  const copy = structuredClone(plan);
  const create = copy.steps.find((s) => s.action === 'create-volume')!;
  const v = (create.params as { volume: { id: string; path: string } }).volume;
  const last = copy.steps[copy.steps.length - 1]!;
  copy.steps.push({
    id: 'rebase',
    label: 'rebase',
    after: [last.id],
    unit: last.unit,
    phase: 'cleanup',
    undo: [],
    weight: 1,
    action: 'rebase-offline',
    params: { volume: v.id, path: v.path, backing: 'p1:a.qcow2', backingName: name, backingFormat: 'raw' },
  } as never);
  return copy;
}

describe('a backing name that leads out of the storage roots', () => {
  it.each(names)('in the volume record create-volume writes: %s', async (_n, name) => {
    t = await testAgent();
    const plan = await clonePlan(t);
    const backing = name(t);
    const before = poolFiles(t);
    expectRefused(t, await submit(t, withBacking(plan, backing)), 'E_AGENT_BACKING_OUTSIDE_ROOTS', before);
  });

  it.each(names)('in rebase-offline: %s', async (_n, name) => {
    t = await testAgent();
    const plan = await clonePlan(t);
    const backing = name(t);
    const before = poolFiles(t);
    expectRefused(t, await submit(t, withRebase(plan, backing)), 'E_AGENT_BACKING_OUTSIDE_ROOTS', before);
  });

  it('a relative name that crosses pools but stays in the roots still runs (a shallow clone)', async () => {
    t = await testAgent({ adopt: [{ volume: 'p1:top.qcow2', format: 'qcow2' }] });
    qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'base.qcow2'), '4M');
    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', join(t.pool('p1'), 'top.qcow2'));
    const plan = await planFor(t, {
      kind: 'clone',
      volume: 'p1:top.qcow2',
      toPool: 'p2',
      name: 'c.qcow2',
      shape: 'shallow',
    });
    const create = plan.steps.find((s) => s.action === 'create-volume')!;
    expect((create.params as { volume: { backingName: string } }).volume.backingName).toBe('../p1/base.qcow2');
    const r = await submit(t, plan);
    expect(r.status).toBe(202);
    expect((await ended(t, r.body.id)).state).toBe('done');
    expect(qemuImg('info', '--output=json', join(t.pool('p2'), 'c.qcow2'))).toContain(
      '"backing-filename": "../p1/base.qcow2"',
    );
  });
});
