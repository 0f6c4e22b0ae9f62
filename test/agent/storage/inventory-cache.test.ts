// The agent's inventory cache: a refresh stats every file and re-reads only those whose device,
// inode, size, mtime or ctime moved, so edits made behind the agent's back are seen (rebase -u,
// resize, a guest appending, a file replaced, deleted, or new) while unchanged files are not opened.
import { appendFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CachedInventory } from '../../../src/agent/storage/inventory.js';
import { qemuImg, testAgent, type TestAgent } from '../helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

const vol = (c: CachedInventory, name: string) => c.inventory.volumes.find((v) => v.path.endsWith(`/${name}`));

/** Refreshes and returns the inventory with the number of files the refresh opened. */
async function refresh(t: TestAgent) {
  const files = t.agent.ctx.inventory.files;
  const before = files.reads;
  const c = await t.agent.ctx.inventory.fresh();
  return { c, read: files.reads - before };
}

describe('inventory cache: file changes', () => {
  it('re-reads only changed files and sees rebase -u, resize, growth, replacement, deletion and new files', async () => {
    t = await testAgent();
    const p1 = t.pool('p1');
    qemuImg('create', '-q', '-f', 'qcow2', join(p1, 'base.qcow2'), '16M');
    qemuImg('create', '-q', '-f', 'qcow2', join(p1, 'other.qcow2'), '16M');
    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', join(p1, 'top.qcow2'));
    qemuImg('create', '-q', '-f', 'raw', join(p1, 'guest.img'), '1M');
    qemuImg('create', '-q', '-f', 'qcow2', join(p1, 'gone.qcow2'), '1M');
    qemuImg('create', '-q', '-f', 'qcow2', join(p1, 'swap.qcow2'), '1M');
    for (let i = 0; i < 20; i++) writeFileSync(join(t.pool('p2'), `idle-${i}.img`), Buffer.alloc(1 << 20)); // raw images

    const first = await refresh(t);
    expect(first.read).toBe(26);
    expect(vol(first.c, 'top.qcow2')?.backing).toBe('p1:base.qcow2');
    const same = await refresh(t);
    expect(same.read).toBe(0); // nothing changed: no file opened
    expect(same.c.inventory.volumes).toEqual(first.c.inventory.volumes);

    qemuImg('rebase', '-u', '-f', 'qcow2', '-b', 'other.qcow2', '-F', 'qcow2', join(p1, 'top.qcow2'));
    const rebased = await refresh(t);
    expect(rebased.read).toBe(1);
    expect(vol(rebased.c, 'top.qcow2')).toMatchObject({ backing: 'p1:other.qcow2', backingName: 'other.qcow2' });
    expect(rebased.c.generation).not.toBe(first.c.generation);

    qemuImg('resize', '-q', '-f', 'qcow2', join(p1, 'base.qcow2'), '32M');
    const resized = await refresh(t);
    expect(resized.read).toBe(1);
    expect(vol(resized.c, 'base.qcow2')?.virtualSize).toBe(32 << 20);

    appendFileSync(join(p1, 'guest.img'), Buffer.alloc(1 << 20, 1)); // a raw disk grown by its writer
    const grown = await refresh(t);
    expect(grown.read).toBe(1);
    expect(vol(grown.c, 'guest.img')?.virtualSize).toBe(2 << 20);

    // Replaced by rename: a new inode at the same name (an image of another size).
    qemuImg('create', '-q', '-f', 'qcow2', join(p1, 'swap.new'), '5M');
    renameSync(join(p1, 'swap.new'), join(p1, 'swap.qcow2'));
    rmSync(join(p1, 'gone.qcow2'));
    qemuImg('create', '-q', '-f', 'qcow2', join(p1, 'new.qcow2'), '4M');
    const moved = await refresh(t);
    expect(moved.read).toBe(2); // the replaced file and the new one
    expect(vol(moved.c, 'swap.qcow2')).toMatchObject({ id: 'p1:swap.qcow2', format: 'qcow2', virtualSize: 5 << 20 });
    expect(vol(moved.c, 'gone.qcow2')).toBeUndefined();
    expect(vol(moved.c, 'new.qcow2')).toMatchObject({ id: 'p1:new.qcow2', virtualSize: 4 << 20 });
    expect(moved.c.inventory.volumes).toHaveLength(26);
  });

  it('a file replaced by one with other bytes reads as what it is now (raw keeps its recorded format)', async () => {
    t = await testAgent();
    const path = join(t.pool('p1'), 'r.img');
    writeFileSync(path, Buffer.alloc(1 << 20));
    expect(vol((await refresh(t)).c, 'r.img')).toMatchObject({ format: 'raw', virtualSize: 1 << 20 });
    writeFileSync(join(t.pool('p1'), 'r.tmp'), Buffer.alloc(2 << 20));
    renameSync(join(t.pool('p1'), 'r.tmp'), path);
    const after = await refresh(t);
    expect(after.read).toBe(1);
    expect(vol(after.c, 'r.img')).toMatchObject({ format: 'raw', virtualSize: 2 << 20 });
  });
});

describe('inventory cache: TTL, jobs and single flight', () => {
  it('answers from the cache within the TTL, and a job result appears at once (no TTL wait)', async () => {
    t = await testAgent({ inventoryTtlMs: 3_600_000 });
    qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'a.qcow2'), '1M');
    const names = async () =>
      ((await (await t.req('GET', '/v1/inventory')).json()) as { volumes: { id: string }[] }).volumes
        .map((v) => v.id)
        .sort();
    expect(await names()).toEqual(['p1:a.qcow2']);
    qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'outside-change.qcow2'), '1M');
    expect(await names()).toEqual(['p1:a.qcow2']); // an hour's TTL: not refreshed yet

    const { ended, planFor, submit } = await import('../helpers.js');
    const plan = await planFor(t, { kind: 'clone', volume: 'p1:a.qcow2', toPool: 'p2', name: 'b.qcow2' });
    const r = await submit(t, plan);
    expect(r.status).toBe(202);
    expect((await ended(t, r.body.id)).state).toBe('done');
    // The job's inventory update invalidated the cache: its volume is there, and so is the file made meanwhile.
    const created = (plan.steps.find((s) => s.action === 'create-volume')!.params as { volume: { id: string } }).volume
      .id;
    expect(await names()).toEqual(['p1:a.qcow2', 'p1:outside-change.qcow2', created].sort());
  });

  it('a read made mid-job is not served after the job: every step invalidates the cache (a move deletes its source after the update)', async () => {
    t = await testAgent({ inventoryTtlMs: 3_600_000 });
    qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'a.qcow2'), '1M');
    const { ended, planFor, submit } = await import('../helpers.js');
    const plan = await planFor(t, { kind: 'move', volume: 'p1:a.qcow2', toPool: 'p2', method: 'copy' });
    const seen: string[][] = [];
    t.agent.ctx.stepHooks = {
      afterCall: async (call) => {
        if (call.action === 'inventory-update')
          seen.push((await t.agent.ctx.inventory.get()).inventory.volumes.map((v) => v.path));
      },
    };
    const r = await submit(t, plan);
    expect((await ended(t, r.body.id)).state).toBe('done');
    expect(seen.flat()).toContain(join(t.pool('p1'), 'a.qcow2')); // mid-job: the source file was still there
    const after = (await (await t.req('GET', '/v1/inventory')).json()) as { volumes: { id: string; path: string }[] };
    expect(after.volumes).toEqual([expect.objectContaining({ id: 'p1:a.qcow2', path: join(t.pool('p2'), 'a.qcow2') })]);
  });

  it('concurrent GETs share one refresh; fresh() calls made during a refresh share the next one', async () => {
    t = await testAgent({ inventoryTtlMs: 3_600_000 });
    for (let i = 0; i < 50; i++) writeFileSync(join(t.pool('p1'), `d-${i}.img`), Buffer.alloc(1 << 20)); // raw images
    const cache = t.agent.ctx.inventory;
    const before = cache.refreshes;
    const answers = await Promise.all(Array.from({ length: 12 }, () => t.req('GET', '/v1/inventory')));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(new Set(answers.map((a) => a.headers.get('etag'))).size).toBe(1);
    expect(cache.refreshes - before).toBe(1);
    expect(cache.files.reads).toBe(50); // each file opened once

    const start = cache.refreshes;
    const first = cache.fresh();
    const second = cache.fresh(); // must not reuse `first`: it may have statted files before the caller's change
    const third = cache.fresh();
    expect(third).toBe(second);
    await Promise.all([first, second, third]);
    expect(cache.refreshes - start).toBe(2);
  });
});
