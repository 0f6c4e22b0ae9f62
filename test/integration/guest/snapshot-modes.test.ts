// Snapshot delete in libvirt's other two modes with a real guest writing into every layer: a line
// s1 → s2 → s3 (s3 current), guest writes after each snapshot, then `with-children` of s2 (s2 and s3
// go, their layers committed into s1's) or `children-only` of s1 (s2 and s3 go, s1 stays). The chain
// the VM ends on holds every acknowledged write. (In a linear line the removed set of these two
// modes always holds the current snapshot, so their commits are active commits.)
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { liveAgent, type Live } from '../agent/live.js';
import { expectEveryWrite, finishWriting } from './writes.js';

let live: Live | undefined;
afterEach(async () => {
  await live?.dispose();
  live = undefined;
}, 30_000);

async function threeSnapshots(l: Live): Promise<void> {
  for (const [name, prefix] of [
    ['s1', 's'],
    ['s2', 't'],
    ['s3', 'u'],
  ] as const) {
    await l.guest!.writes(5);
    const r = await l.run({ kind: 'snapshot', vm: 'vm1', name }, { prefix });
    expect([r.status.state, r.status.error]).toEqual(['done', undefined]);
  }
  await l.guest!.writes(5);
}

describe('snapshot delete, with-children and children-only, with a guest writing', () => {
  it("with-children of s2: s2 and s3 are merged into s1's layer, s1 stays", { timeout: 180_000 }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['a'] }], { os: true });
    await threeSnapshots(live);
    const del = await live.run(
      { kind: 'snapshot-delete', vm: 'vm1', snapshot: 's2', mode: 'with-children' },
      { prefix: 'd' },
    );
    expect([del.status.state, del.status.error]).toEqual(['done', undefined]);
    expect((await live.inventory()).snapshots.map((s) => s.id)).toEqual(['s1']);
    expect([
      existsSync(live.path('a.s1')),
      existsSync(live.path('a.s1.s2')),
      existsSync(live.path('a.s1.s2.s3')),
    ]).toEqual([true, false, false]);
    const sums = await finishWriting(live);
    expectEveryWrite(live, sums, { vda: live.path('a.s1') });
  });

  it("children-only of s1: s2 and s3 are merged into s1's layer, s1 stays current", { timeout: 180_000 }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['a'] }], { os: true });
    await threeSnapshots(live);
    const del = await live.run(
      { kind: 'snapshot-delete', vm: 'vm1', snapshot: 's1', mode: 'children-only' },
      { prefix: 'd' },
    );
    expect([del.status.state, del.status.error]).toEqual(['done', undefined]);
    expect((await live.inventory()).snapshots).toEqual([expect.objectContaining({ id: 's1', current: true })]);
    expect([
      existsSync(live.path('a.s1')),
      existsSync(live.path('a.s1.s2')),
      existsSync(live.path('a.s1.s2.s3')),
    ]).toEqual([true, false, false]);
    const sums = await finishWriting(live);
    expectEveryWrite(live, sums, { vda: live.path('a.s1') });
  });
});
