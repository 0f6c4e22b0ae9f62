// Live moves with a real guest writing: flatten (mirror to a new file, pivot, delete with wipe) and
// keep-chain (lower layers copied by the engine, the top mirrored onto them, pivot). The moved
// chain must hold every acknowledged write.
import { closeSync, fstatSync, openSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { readThrough } from '../../helpers/held-file.js';
import { liveAgent, type Live } from '../agent/live.js';
import { expectEveryWrite, finishWriting } from './writes.js';

let live: Live | undefined;
afterEach(async () => {
  await live?.dispose();
  live = undefined;
}, 30_000);

describe('live move with a guest writing', () => {
  it('flatten with wipe: the moved disk holds every write, the old chain is gone', { timeout: 180_000 }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['base', 'top'] }], { os: true });
    await live.guest!.writes(10);
    // Held across the unlink: what the wipe left in the old files is read back through these.
    const held = [openSync(live.path('base'), 'r'), openSync(live.path('top'), 'r')];
    try {
      expect(held.map((fd) => readThrough(fd).nonZero > 0)).toEqual([true, true]);
      const r = await live.run({ kind: 'move', volume: 'p1:top.qcow2', toPool: 'p2', wipeSource: true });
      expect([r.status.state, r.status.error]).toEqual(['done', undefined]);
      expect(readdirSync(live.pool1)).toEqual([]);
      expect(held.map((fd) => readThrough(fd))).toEqual(
        held.map((fd) => ({ nonZero: 0, links: 0, size: fstatSync(fd).size })),
      );
    } finally {
      for (const fd of held) closeSync(fd);
    }
    const sums = await finishWriting(live);
    expectEveryWrite(live, sums, { vda: live.path('top', 2) });
  });

  it('keep-chain: the moved chain holds every write', { timeout: 180_000 }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['base', 'mid', 'top'] }], { os: true });
    await live.guest!.writes(10);
    const r = await live.run({ kind: 'move', volume: 'p1:top.qcow2', toPool: 'p2', shape: 'keep-chain' });
    expect([r.status.state, r.status.error]).toEqual(['done', undefined]);
    expect(readdirSync(live.pool2).sort()).toEqual(['base.qcow2', 'mid.qcow2', 'top.qcow2']);
    const sums = await finishWriting(live);
    expectEveryWrite(live, sums, { vda: live.path('top', 2) });
  });
});
