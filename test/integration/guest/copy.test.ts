// A real Linux guest writes to its disk (random blocks, each stamped with its index and generation,
// fsync'd) while the agent copies the disk live and pivots, or copies it and ends without pivot. The
// chain the VM ends on must hold every acknowledged write.
import { afterEach, describe, expect, it } from 'vitest';
import { liveAgent, type Live } from '../agent/live.js';
import { expectEveryWrite, finishWriting } from './writes.js';

let live: Live | undefined;
afterEach(async () => {
  await live?.dispose();
  live = undefined;
}, 30_000);

describe('live block copy with a guest writing', () => {
  it('full copy then pivot: the copy holds every write acknowledged before, during and after', {
    timeout: 180_000,
  }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['base', 'top'] }], { os: true });
    await live.guest!.writes(10);
    const r = await live.run({
      kind: 'block-copy',
      vm: 'vm1',
      disks: [{ disk: 'vda', pool: 'p2', name: 'c.qcow2', flags: 8 }],
    });
    expect([r.status.state, r.status.error]).toEqual(['done', undefined]);
    expect(r.sim.problems).toEqual([]);
    const sums = await finishWriting(live);
    expectEveryWrite(live, sums, { vda: live.path('c', 2) });
  });

  it('copy then end without pivot (aborted copy): the guest stays on its own disk with every write', {
    timeout: 180_000,
  }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['base', 'top'] }], { os: true });
    await live.guest!.writes(10);
    const r = await live.run({
      kind: 'block-copy',
      vm: 'vm1',
      finish: 'keep-copy',
      disks: [{ disk: 'vda', pool: 'p2', name: 'c.qcow2', flags: 8 }],
    });
    expect([r.status.state, r.status.error]).toEqual(['done', undefined]);
    const sums = await finishWriting(live);
    expectEveryWrite(live, sums, { vda: live.path('top') });
    // The check can fail: the copy stopped following the guest when the job ended, so the writes
    // acknowledged after that are missing from it.
    expect(() => expectEveryWrite(live!, sums, { vda: live!.path('c', 2) })).toThrow();
  });
});
