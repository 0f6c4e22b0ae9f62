// Snapshots with a real guest writing to two disks: an atomic snapshot of both, then its deletion
// (active commits with pivot); and the deletion of an older snapshot (intermediate commit). The
// chains the VM ends on must hold every acknowledged write.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { liveAgent, type Live } from '../agent/live.js';
import { expectEveryWrite, finishWriting } from './writes.js';

let live: Live | undefined;
afterEach(async () => {
  await live?.dispose();
  live = undefined;
}, 30_000);

describe('snapshots with a guest writing', () => {
  it('atomic snapshot of two disks, writes into the overlays, then delete (active commit)', {
    timeout: 180_000,
  }, async () => {
    live = await liveAgent(
      [
        { id: 'vda', layers: ['a'] },
        { id: 'vdb', layers: ['b'] },
      ],
      { os: true },
    );
    await live.guest!.writes(10);
    const snap = await live.run({ kind: 'snapshot', vm: 'vm1', name: 's1' }, { prefix: 's' });
    expect([snap.status.state, snap.status.error]).toEqual(['done', undefined]);
    await live.guest!.writes(10);
    const del = await live.run({ kind: 'snapshot-delete', vm: 'vm1', snapshot: 's1' }, { prefix: 'd' });
    expect([del.status.state, del.status.error]).toEqual(['done', undefined]);
    const sums = await finishWriting(live);
    expectEveryWrite(live, sums, { vda: live.path('a'), vdb: live.path('b') });
  });

  it('delete an older snapshot while the guest writes (intermediate commit)', { timeout: 180_000 }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['a'] }], { os: true });
    expect((await live.run({ kind: 'snapshot', vm: 'vm1', name: 's1' }, { prefix: 's' })).status.state).toBe('done');
    await live.guest!.writes(10);
    expect((await live.run({ kind: 'snapshot', vm: 'vm1', name: 's2' }, { prefix: 't' })).status.state).toBe('done');
    await live.guest!.writes(10);
    const del = await live.run({ kind: 'snapshot-delete', vm: 'vm1', snapshot: 's1' }, { prefix: 'd' });
    expect([del.status.state, del.status.error]).toEqual(['done', undefined]);
    expect(existsSync(live.path('a.s1'))).toBe(false);
    const sums = await finishWriting(live);
    expectEveryWrite(live, sums, { vda: live.path('a.s1.s2') });
  });

  it('snapshot, keep-chain live move, then delete the snapshot (commit into the copied layer)', {
    timeout: 180_000,
  }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['base', 'top'] }], { os: true });
    expect((await live.run({ kind: 'snapshot', vm: 'vm1', name: 's1' }, { prefix: 's' })).status.state).toBe('done');
    await live.guest!.writes(10);
    const top = (await live.inventory()).vms[0]!.disks[0]!.volume;
    const move = await live.run({ kind: 'move', volume: top, toPool: 'p2', shape: 'keep-chain' }, { prefix: 'm' });
    expect([move.status.state, move.status.error]).toEqual(['done', undefined]);
    await live.guest!.writes(10);
    const del = await live.run({ kind: 'snapshot-delete', vm: 'vm1', snapshot: 's1' }, { prefix: 'd' });
    expect([del.status.state, del.status.error]).toEqual(['done', undefined]);
    const sums = await finishWriting(live);
    expectEveryWrite(live, sums, { vda: live.path('top', 2) });
  });
});
