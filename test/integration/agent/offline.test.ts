// Offline plans of a VM that is shut down, run through the engine (no QMP): snapshots as overlay
// files, and deleting the older one (commit into the base, rebase -u of the layer above). The
// agent knows the VM's disks from when it last saw it running.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backingName, clean, identical, reference } from './checks.js';
import { qemuIo } from './guest.js';
import { liveAgent, type Live } from './live.js';

let live: Live | undefined;
afterEach(async () => {
  await live?.dispose();
  live = undefined;
}, 20_000);

describe('offline snapshots through the engine', () => {
  it('snapshot twice while the VM is off, then delete the older snapshot', { timeout: 60_000 }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['a'] }]);
    expect((await live.inventory()).vms[0]).toMatchObject({
      running: true,
      disks: [{ target: 'vda', volume: 'p1:a.qcow2' }],
    });
    await live.quit();
    expect((await live.inventory()).vms[0]).toMatchObject({
      running: false,
      disks: [{ target: 'vda', volume: 'p1:a.qcow2', nodes: [] }],
    });
    const s1 = await live.run({ kind: 'snapshot', vm: 'vm1', name: 's1' }, { prefix: 's' });
    expect(s1.status.error).toBeUndefined();
    expect([s1.status.state, s1.real, s1.sim.problems]).toEqual(['done', [], []]);
    qemuIo(live.path('a.s1'), 'write -P 0x31 4M 1M'); // the guest wrote to s1 while it was current
    expect((await live.run({ kind: 'snapshot', vm: 'vm1', name: 's2' }, { prefix: 't' })).status.state).toBe('done');
    const top = live.path('a.s1.s2');
    qemuIo(top, 'write -P 0x32 5M 1M');
    expect(backingName(top)).toBe('a.s1.qcow2');
    const ref = join(live.dir, 'ref.qcow2');
    reference(top, ref);

    const del = await live.run({ kind: 'snapshot-delete', vm: 'vm1', snapshot: 's1' }, { prefix: 'd' });
    expect(del.status.error).toBeUndefined();
    expect(del.status.state).toBe('done');
    expect(del.sim.problems).toEqual([]);
    expect(del.plan.steps.map((s) => s.action)).toEqual(expect.arrayContaining(['commit-offline', 'rebase-offline']));
    expect(existsSync(live.path('a.s1'))).toBe(false);
    expect(backingName(top)).toBe('a.qcow2');
    expect(identical(ref, top)).toBe(true);
    expect(clean(top)).toBe(true);
    expect(clean(live.path('a'))).toBe(true);
    const inv = await live.inventory();
    expect(inv.snapshots.map((s) => s.id)).toEqual(['s2']);
    expect(inv.vms[0]!.disks[0]!.volume).toBe(inv.volumes.find((v) => v.path === top)!.id);
  });
});
