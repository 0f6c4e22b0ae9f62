// A small world for planner tests: one host, two directory pools, one block pool, a VM whose disk
// is the chain base <- snap1 <- snap2 (the seed 001 setup), and an unattached raw volume.
import type { InventoryInput, NodeRef } from '../../src/plan/inventory.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export function vol(id: string, pool: string, file: string, extra: Record<string, unknown> = {}) {
  const root = pool === 'p1' ? '/pool1' : pool === 'p2' ? '/pool2' : '/other';
  return {
    id,
    pool,
    path: `${root}/${file}`,
    format: 'qcow2' as const,
    virtualSize: 10 * GiB,
    allocated: 100 * MiB,
    backing: null as string | null,
    backingName: null as string | null,
    ...extra,
  };
}

const nodes = (ids: string[]): NodeRef[] => ids.map((v) => ({ volume: v, node: `n-${v}`, fileNode: `f-${v}` }));

export function world(
  opts: { running?: boolean; secondDisk?: boolean; snapshots?: boolean; preCreated?: boolean } = {},
): InventoryInput {
  const running = opts.running ?? true;
  const disks = [{ target: 'vda', volume: 'snap2', nodes: running ? nodes(['snap2', 'snap1', 'base']) : [] }];
  const volumes = [
    vol('base', 'p1', 'base.qcow2'),
    vol('snap1', 'p1', 'snap1.qcow2', { backing: 'base', backingName: 'base.qcow2' }),
    vol('snap2', 'p1', 'snap2.qcow2', { backing: 'snap1', backingName: 'snap1.qcow2' }),
    vol('data', 'p1', 'data.img', { format: 'raw', allocated: 300 * MiB }),
    vol('empty', 'p2', 'empty.qcow2', { allocated: 0 }),
  ];
  // A pre-created shallow target for REUSE_EXT|SHALLOW: empty, naming snap1 relatively.
  if (opts.preCreated)
    volumes.push(
      vol('pre', 'p2', 'pre.qcow2', { allocated: 0, backing: 'snap1', backingName: '../pool1/snap1.qcow2' }),
    );
  if (opts.secondDisk) {
    volumes.push(
      vol('b-base', 'p1', 'b-base.qcow2'),
      vol('b-top', 'p1', 'b-top.qcow2', { backing: 'b-base', backingName: 'b-base.qcow2' }),
    );
    disks.push({ target: 'vdb', volume: 'b-top', nodes: running ? nodes(['b-top', 'b-base']) : [] });
  }
  const snapshots = opts.snapshots
    ? [
        { id: 's1', vm: 'vm1', parent: null, current: false, disks: [{ target: 'vda', layer: 'snap1' }] },
        { id: 's2', vm: 'vm1', parent: 's1', current: true, disks: [{ target: 'vda', layer: 'snap2' }] },
      ]
    : [];
  return {
    hosts: [{ id: 'h1' }, { id: 'h2' }],
    pools: [
      { id: 'p1', host: 'h1', root: '/pool1', capacity: 100 * GiB, free: 50 * GiB },
      { id: 'p2', host: 'h1', root: '/pool2', capacity: 100 * GiB, free: 50 * GiB },
      { id: 'tiny', host: 'h1', root: '/tiny', capacity: GiB, free: MiB },
      { id: 'far', host: 'h2', root: '/far', capacity: 100 * GiB, free: 50 * GiB },
      { id: 'lvm', host: 'h1', type: 'block', root: '/dev/vg0', capacity: 100 * GiB, free: 50 * GiB },
    ],
    volumes,
    vms: [{ id: 'vm1', host: 'h1', running, qmpSocket: '/run/vm1.qmp', disks }],
    snapshots,
  };
}

/** vda: base <- snap1 <- snap2, vdb: b-base <- b-top <- b-top2; snapshots s1 (layers snap1, b-top), s2 (current). */
export function twoDisks(running = true): InventoryInput {
  const w = world({ running, secondDisk: true, snapshots: true });
  w.volumes!.push(vol('b-top2', 'p1', 'b-top2.qcow2', { backing: 'b-top', backingName: 'b-top.qcow2' }));
  const vdb = w.vms![0]!.disks[1]!;
  vdb.volume = 'b-top2';
  if (running)
    vdb.nodes = ['b-top2', 'b-top', 'b-base'].map((v) => ({ volume: v, node: `n-${v}`, fileNode: `f-${v}` }));
  w.snapshots![0]!.disks.push({ target: 'vdb', layer: 'b-top' });
  w.snapshots![1]!.disks.push({ target: 'vdb', layer: 'b-top2' });
  return w;
}
