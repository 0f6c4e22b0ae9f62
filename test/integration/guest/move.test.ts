// Live moves with a real guest writing: flatten (mirror to a new file, pivot, delete with wipe) and
// keep-chain (lower layers copied by the engine, the top mirrored onto them, pivot). The moved
// chain must hold every acknowledged write.
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
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
    const r = await live.run({ kind: 'move', volume: 'p1:top.qcow2', toPool: 'p2', wipeSource: true });
    expect([r.status.state, r.status.error]).toEqual(['done', undefined]);
    expect(readdirSync(live.pool1)).toEqual([]);
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
