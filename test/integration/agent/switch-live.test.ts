// Seed 000 on real QEMU: a live move with wipe gives back its VM once the pivot and the inventory
// switch have landed. While its wipe is held at its start (a seam, not a race), a snapshot of the
// same VM's moved disk is planned, runs through QEMU and ends done, without E_BUSY; the old file is
// still the move's until its wipe ends, and then reads all zero through a descriptor held across it.
import { closeSync, existsSync, openSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { readThrough } from '../../helpers/held-file.js';
import { liveAgent, type Live } from './live.js';

let live: Live | undefined;
const fds: number[] = [];
afterEach(async () => {
  for (const fd of fds.splice(0)) closeSync(fd);
  await live?.dispose();
  live = undefined;
}, 20_000);

describe('a live move releases its VM before its wipe', () => {
  it('a snapshot of the moved disk runs while the old file is being wiped', { timeout: 120_000 }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['disk'], topDataMiB: 4 }]);
    const l = live;
    const old = l.path('disk');
    const fd = openSync(old, 'r');
    fds.push(fd);
    let letWipeGo!: () => void;
    const wipeHeld = new Promise<void>((r) => (letWipeGo = r));
    let wiping!: () => void;
    const wipeStarted = new Promise<void>((r) => (wiping = r));
    l.agent.ctx.stepHooks = {
      async beforeCall(call) {
        if (call.action !== 'delete-file') return;
        wiping();
        await wipeHeld;
      },
    };
    const move = l.run({ kind: 'move', volume: 'p1:disk.qcow2', toPool: 'p2', wipeSource: true });
    await wipeStarted;
    const moving = [...l.agent.jobs.jobs.values()].find((j) => j.plan.kind === 'move')!;
    expect(moving.state).toBe('cleanup');
    const snap = await l.run({ kind: 'snapshot', vm: 'vm1', name: 's1' }, { prefix: 's' });
    expect([snap.status.state, snap.status.error]).toEqual(['done', undefined]);
    expect(existsSync(old)).toBe(true);
    expect(() => l.agent.jobs.busy.acquire('probe', { vms: [], volumes: [], paths: [old] })).toThrow(/held by job/);
    letWipeGo();
    const moved = await move;
    expect([moved.status.state, moved.status.error]).toEqual(['done', undefined]);
    expect(existsSync(old)).toBe(false);
    expect(readThrough(fd)).toMatchObject({ nonZero: 0, links: 0 });
    const inv = await l.inventory();
    expect(inv.snapshots.map((s) => s.id)).toEqual(['s1']);
    expect(inv.vms[0]!.disks[0]!.nodes.map((n) => inv.volumes.find((v) => v.id === n.volume)!.path)).toEqual([
      l.path('disk.s1', 2),
      l.path('disk', 2),
    ]);
  });
});
