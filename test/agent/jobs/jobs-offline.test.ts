// Offline plans run by the agent through the engine (no QEMU): clone and move, checked with
// qemu-img compare/check; idempotency keys; E_BUSY naming the job that holds a volume.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { Inventory } from '../../../src/plan/inventory.js';
import { ended, planFor, qemuImg, qemuIo, submit, testAgent, type TestAgent } from '../helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

async function chain(): Promise<{ base: string; top: string }> {
  // The operator states the top's format: a probed qcow2 on a backing is no plan source.
  t = await testAgent({ adopt: [{ volume: 'p1:top.qcow2', format: 'qcow2' }] });
  const base = join(t.pool('p1'), 'base.qcow2');
  const top = join(t.pool('p1'), 'top.qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', base, '8M');
  qemuIo(base, 'write -P 0x11 0 1M');
  qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', top);
  qemuIo(top, 'write -P 0x22 512k 1M');
  return { base, top };
}

const identical = (a: string, b: string) =>
  spawnSync('qemu-img', ['compare', '-f', 'qcow2', '-F', 'qcow2', a, b]).status === 0;
const clean = (p: string) => spawnSync('qemu-img', ['check', '-f', 'qcow2', p]).status === 0;
const inventory = async () => (await (await t.req('GET', '/v1/inventory')).json()) as Inventory;

describe('offline plans through the engine', () => {
  it('clone (flatten) into another pool: identical guest data, clean image, a new legal volume', async () => {
    const { top } = await chain();
    const plan = await planFor(t, { kind: 'clone', volume: 'p1:top.qcow2', toPool: 'p2', name: 'c.qcow2' });
    const r = await submit(t, plan);
    expect(r.status).toBe(202);
    const status = await ended(t, r.body.id);
    expect(status.error).toBeUndefined();
    expect([status.state, status.report?.outcome, status.progress]).toEqual(['done', 'done', 1]);
    const copy = join(t.pool('p2'), 'c.qcow2');
    expect(identical(top, copy)).toBe(true);
    expect(clean(copy)).toBe(true);
    const v = (await inventory()).volumes.find((x) => x.path === copy);
    expect(v).toMatchObject({ id: 'gv1', state: 'ok', backing: null, pool: 'p2' });
  });

  it('move (keep-chain) to another pool: the volume keeps its id, the old files are gone', async () => {
    const { top } = await chain();
    const reference = join(t.dir, 'reference.qcow2');
    qemuImg('convert', '-f', 'qcow2', '-O', 'qcow2', top, reference);
    const plan = await planFor(t, {
      kind: 'move',
      volume: 'p1:top.qcow2',
      toPool: 'p2',
      shape: 'keep-chain',
      verify: 'full',
    });
    const status = await ended(t, (await submit(t, plan)).body.id);
    expect(status.error).toBeUndefined();
    expect(status.state).toBe('done');
    expect(existsSync(top)).toBe(false);
    const inv = await inventory();
    const moved = inv.volumes.find((v) => v.id === 'p1:top.qcow2')!;
    expect(moved.path).toBe(join(t.pool('p2'), 'top.qcow2'));
    expect(moved.backing).toBe('p1:base.qcow2');
    expect(inv.volumes.find((v) => v.id === 'p1:base.qcow2')!.path).toBe(join(t.pool('p2'), 'base.qcow2'));
    expect(identical(moved.path, reference)).toBe(true);
    expect(clean(moved.path)).toBe(true);
    expect(readFileSync(join(t.dir, 'state', 'journal.jsonl'), 'utf8')).toContain('"t":"end"');
  });

  it('same key and body → the same job; same key, other body → 422 E_IDEMPOTENCY_MISMATCH', async () => {
    await chain();
    const plan = await planFor(t, { kind: 'clone', volume: 'p1:top.qcow2', toPool: 'p2', name: 'c.qcow2' });
    const first = await submit(t, plan, 'key-1');
    await ended(t, first.body.id);
    const again = await submit(t, plan, 'key-1');
    expect([again.status, again.body.id]).toEqual([200, first.body.id]);
    const other = await submit(t, { ...plan, summary: 'changed' }, 'key-1');
    expect([other.status, other.body.code]).toEqual([422, 'E_IDEMPOTENCY_MISMATCH']);
    expect(t.agent.jobs.jobs.size).toBe(1);
  });

  it('a plan on a volume another job holds is refused with E_BUSY naming that job', async () => {
    await chain();
    t.agent.jobs.busy.acquire('job-holder', { vms: [], volumes: ['p1:top.qcow2'], paths: [] });
    const plan = await planFor(t, { kind: 'clone', volume: 'p1:top.qcow2', toPool: 'p2', name: 'c.qcow2' });
    const r = await submit(t, plan);
    expect([r.status, r.body.code, r.body.job]).toEqual([409, 'E_BUSY', 'job-holder']);
    t.agent.jobs.busy.release('job-holder');
    expect((await submit(t, plan)).status).toBe(202);
  });
});
