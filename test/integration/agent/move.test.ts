// Live moves and group copies through the agent: move with wipe (copy, pivot, wipe and delete the
// source), move of a whole chain (backing layers copied by the engine, SHALLOW|REUSE_EXT mirror,
// attach backing, pivot), and a two-disk group copy where one mirror fails (no disk pivots).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backingName, clean, identical, reference } from './checks.js';
import { liveAgent, type Live } from './live.js';

let live: Live | undefined;
afterEach(async () => {
  await live?.dispose();
  live = undefined;
}, 20_000);

describe('live moves through the agent', () => {
  it('move with wipe: copy, pivot, then the old chain is wiped and deleted', { timeout: 60_000 }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['base', 'top'] }], { record: 'move-flatten-wipe' });
    const ref = join(live.dir, 'ref.qcow2');
    reference(live.path('top'), ref);
    const r = await live.run({ kind: 'move', volume: 'p1:top.qcow2', toPool: 'p2', wipeSource: true });
    expect(r.status.error).toBeUndefined();
    expect(r.status.state).toBe('done');
    expect(r.sim.problems).toEqual([]);
    expect(r.real).toEqual(r.simulated);
    expect(
      r.plan.steps.filter((s) => s.action === 'delete-file').map((s) => (s.params as { wipe: boolean }).wipe),
    ).toEqual([true, true]);
    expect(readdirSync(live.pool1)).toEqual([]);
    const inv = await live.inventory();
    expect(inv.volumes.map((v) => [v.id, v.path])).toEqual([['p1:top.qcow2', live.path('top', 2)]]);
    const g = await live.graph();
    expect(g.devices.vda).toBe(inv.vms[0]!.disks[0]!.nodes[0]!.node);
    expect(g.nodes).toHaveLength(2);
    await live.quit();
    expect(identical(ref, live.path('top', 2))).toBe(true);
    expect(clean(live.path('top', 2))).toBe(true);
  });

  it('move of a whole chain: backing copied by the engine, top mirrored shallow onto it, pivot', {
    timeout: 60_000,
  }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['base', 'mid', 'top'] }], { record: 'move-keep-chain' });
    const ref = join(live.dir, 'ref.qcow2');
    reference(live.path('top'), ref);
    const r = await live.run({ kind: 'move', volume: 'p1:top.qcow2', toPool: 'p2', shape: 'keep-chain' });
    expect(r.status.error).toBeUndefined();
    expect(r.status.state).toBe('done');
    expect(r.sim.problems).toEqual([]);
    expect(r.real).toEqual(r.simulated);
    expect(r.real.map((c) => c.execute)).toContain('transaction'); // the copied backing attached before pivot
    expect(r.real.find((c) => c.execute === 'blockdev-mirror')!.arguments.sync).toBe('top');
    expect(readdirSync(live.pool1)).toEqual([]);
    expect(readdirSync(live.pool2).sort()).toEqual(['base.qcow2', 'mid.qcow2', 'top.qcow2']);
    const inv = await live.inventory();
    const disk = inv.vms[0]!.disks[0]!;
    expect(disk.nodes.map((n) => n.volume)).toEqual(['p1:top.qcow2', 'p1:mid.qcow2', 'p1:base.qcow2']);
    const g = await live.graph();
    expect(g.devices.vda).toBe(disk.nodes[0]!.node);
    expect(g.nodes).toEqual(disk.nodes.flatMap((n) => [n.node, n.fileNode]).sort());
    await live.quit();
    expect(backingName(live.path('top', 2))).toBe('mid.qcow2');
    expect(backingName(live.path('mid', 2))).toBe('base.qcow2');
    expect(identical(ref, live.path('top', 2))).toBe(true);
    for (const f of ['base', 'mid', 'top']) expect(clean(live.path(f, 2))).toBe(true);
  });

  it('group copy of two disks where one mirror fails: no disk pivots, no copy is left', {
    timeout: 60_000,
  }, async () => {
    live = await liveAgent([
      { id: 'vda', layers: ['a'] },
      // vdb's image has data at guest MiB [0, 1); its first data cluster lies at host offset 0x50000 in a fresh qcow2.
      { id: 'vdb', layers: ['b'], failReadAt: 0x50000 },
    ]);
    const r = await live.run(
      {
        kind: 'block-copy',
        vm: 'vm1',
        disks: [
          { disk: 'vda', pool: 'p2', name: 'a-copy.qcow2', flags: 8 },
          { disk: 'vdb', pool: 'p2', name: 'b-copy.qcow2', flags: 8 },
        ],
      },
      { simFault: (plan) => plan.steps.filter((s) => s.action === 'qmp-wait-ready')[1]!.id },
    );
    expect(r.status.state).toBe('rolled-back');
    expect(r.status.error?.code, JSON.stringify(r.status.report)).toBe('E_QMP_JOB_FAILED');
    expect(r.status.report?.orphans).toEqual([]);
    expect(r.real.some((c) => c.execute === 'job-complete')).toBe(false);
    expect(r.sim.problems).toEqual([]);
    expect(r.real).toEqual(r.simulated);
    expect(await live.graph()).toEqual({ devices: { vda: 'n-a', vdb: 'n-b' }, nodes: ['f-a', 'f-b', 'n-a', 'n-b'] });
    expect(readdirSync(live.pool2)).toEqual([]);
  });
});
