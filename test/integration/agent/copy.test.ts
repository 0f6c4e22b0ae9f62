// Live block copy through the agent on a real QEMU (seed 001): full copy then pivot, shallow copy
// onto a pre-created target (REUSE_EXT) then pivot, copy then abort without pivot. Each checks the
// block graph, the images (qemu-img compare/check) and the simulator's command sequence.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backingName, clean, identical, reference } from './checks.js';
import { qemuImg } from './guest.js';
import { liveAgent, type Live } from './live.js';

let live: Live | undefined;
afterEach(async () => {
  await live?.dispose();
  live = undefined;
}, 20_000);

describe('live block copy through the agent', () => {
  it('full copy, then pivot: the guest runs on the flattened copy, the old chain is closed', {
    timeout: 60_000,
  }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['base', 'top'] }], { record: 'copy-full-pivot' });
    const ref = join(live.dir, 'ref.qcow2');
    reference(live.path('top'), ref);
    const r = await live.run({
      kind: 'block-copy',
      vm: 'vm1',
      disks: [{ disk: 'vda', pool: 'p2', name: 'c.qcow2', flags: 8 }],
    });
    expect(r.status.error).toBeUndefined();
    expect([r.status.state, r.status.report?.outcome]).toEqual(['done', 'done']);
    expect(r.sim.problems, JSON.stringify(r.sim.problems)).toEqual([]);
    expect(r.real).toEqual(r.simulated);
    const g = await live.graph();
    const copyNode = r.plan.steps.find((s) => s.action === 'qmp-create-image')!.params as {
      node: string;
      fileNode: string;
    };
    expect(g.devices.vda).toBe(copyNode.node);
    expect(g.nodes).toEqual([copyNode.node, copyNode.fileNode].sort());
    const inv = await live.inventory();
    expect(inv.vms[0]!.disks[0]).toMatchObject({ target: 'vda', volume: 'xv1' });
    expect(inv.volumes.find((v) => v.id === 'xv1')).toMatchObject({
      state: 'ok',
      path: live.path('c', 2),
      backing: null,
    });
    await live.quit();
    expect(identical(ref, live.path('c', 2))).toBe(true);
    expect(clean(live.path('c', 2))).toBe(true);
    expect(backingName(live.path('c', 2))).toBeUndefined();
  });

  it('shallow copy onto a pre-created target (REUSE_EXT), then pivot onto it and the shared backing', {
    timeout: 60_000,
  }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['base', 'top'] }], { record: 'copy-shallow-reuse-pivot' });
    const ref = join(live.dir, 'ref.qcow2');
    reference(live.path('top'), ref);
    const target = live.path('copy');
    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', target, '32M');
    const r = await live.run({
      kind: 'block-copy',
      vm: 'vm1',
      disks: [{ disk: 'vda', path: target, format: 'qcow2', flags: 11 }],
    });
    expect(r.status.error).toBeUndefined();
    expect(r.status.state).toBe('done');
    expect(r.sim.problems, JSON.stringify(r.sim.problems)).toEqual([]);
    expect(r.real).toEqual(r.simulated);
    const g = await live.graph();
    const open = r.plan.steps.find((s) => s.action === 'qmp-open-image')!.params as {
      node: string;
      fileNode: string;
      backing: string;
    };
    expect(open.backing).toBe('n-base'); // SHALLOW: the copy sits on the source's backing node
    expect(g.devices.vda).toBe(open.node);
    expect(g.nodes).toEqual([open.node, open.fileNode, 'n-base', 'f-base'].sort());
    await live.quit();
    expect(identical(ref, target)).toBe(true);
    expect(clean(target)).toBe(true);
    expect(backingName(target)).toBe('base.qcow2');
  });

  it('copy, then end without pivot: the guest stays on its disk, the copy is complete and closed', {
    timeout: 60_000,
  }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['base', 'top'] }], { record: 'copy-no-pivot' });
    const ref = join(live.dir, 'ref.qcow2');
    reference(live.path('top'), ref);
    const r = await live.run({
      kind: 'block-copy',
      vm: 'vm1',
      finish: 'keep-copy',
      disks: [{ disk: 'vda', pool: 'p2', name: 'c.qcow2', flags: 8 }],
    });
    expect(r.status.error).toBeUndefined();
    expect(r.status.state).toBe('done');
    expect(r.real).toEqual(r.simulated);
    const g = await live.graph();
    expect(g.devices.vda).toBe('n-top');
    expect(g.nodes).toEqual(['f-base', 'f-top', 'n-base', 'n-top']);
    await live.quit();
    expect(identical(ref, live.path('c', 2))).toBe(true);
    expect(clean(live.path('c', 2))).toBe(true);
    expect(readdirSync(live.pool2)).toEqual(['c.qcow2']);
    expect(existsSync(live.path('top'))).toBe(true);
  });
});
