// Random worlds and requests for the property tests: one host (sometimes a second), two directory
// pools (free space random), a VM whose disks are chains of 1..4 layers (raw or qcow2 at the bottom),
// sometimes shared backings, a linear (sometimes branching) snapshot history, unattached volumes,
// pools on one file system (rename moves, reflink clones), on two, or on unknown ones.
import fc from 'fast-check';
import type { InventoryInput } from '../../src/plan/inventory.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export interface WorldShape {
  running: boolean;
  disks: number;
  depth: number;
  snapshots: number;
  rawBase: boolean[];
  allocated: number[];
  freeP2: number;
  shareBase: boolean;
  branchSnapshots: boolean;
  farPool: boolean;
  emptyVolume: boolean;
  /** The pools' file systems: unknown, one (with or without reflink), or two. */
  fs: 'unknown' | 'one' | 'one-reflink' | 'two';
}

export const worldShape: fc.Arbitrary<WorldShape> = fc.record({
  running: fc.boolean(),
  disks: fc.integer({ min: 1, max: 3 }),
  depth: fc.integer({ min: 1, max: 4 }),
  snapshots: fc.integer({ min: 0, max: 3 }),
  rawBase: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  allocated: fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 12, maxLength: 12 }),
  freeP2: fc.constantFrom(GiB / 4, 50 * GiB, 50 * GiB),
  shareBase: fc.constantFrom(false, false, true),
  branchSnapshots: fc.constantFrom(false, false, true),
  farPool: fc.constantFrom(false, false, true),
  emptyVolume: fc.boolean(),
  fs: fc.constantFrom('unknown', 'one', 'one-reflink', 'two'),
});

export function buildWorld(s: WorldShape): InventoryInput {
  const volumes: NonNullable<InventoryInput['volumes']> = [];
  const disks: { target: string; volume: string; nodes: { volume: string; node: string; fileNode: string }[] }[] = [];
  for (let d = 0; d < s.disks; d++) {
    const chain: string[] = [];
    for (let i = 0; i < s.depth; i++) {
      const id = `d${d}l${i}`;
      const below = chain.at(-1) ?? null;
      const raw = i === 0 && s.rawBase[d] && s.depth === 1;
      volumes.push({
        id,
        pool: 'p1',
        path: `/pool1/${id}.${raw ? 'img' : 'qcow2'}`,
        format: raw ? 'raw' : 'qcow2',
        virtualSize: GiB,
        allocated: s.allocated[d * 4 + i]! * MiB,
        backing: below,
        backingName: below ? `${below}.qcow2` : null,
      });
      chain.push(id);
    }
    const top = chain.at(-1)!;
    const nodes = s.running ? [...chain].reverse().map((v) => ({ volume: v, node: `n${v}`, fileNode: `f${v}` })) : [];
    disks.push({ target: `vd${'abc'[d]}`, volume: top, nodes });
  }
  // A clone sharing the base of disk 0: moves and commits touching that base must refuse or keep it.
  if (s.shareBase && s.depth > 1) {
    volumes.push({
      id: 'shared',
      pool: 'p1',
      path: '/pool1/shared.qcow2',
      format: 'qcow2',
      virtualSize: GiB,
      allocated: MiB,
      backing: 'd0l0',
      backingName: 'd0l0.qcow2',
    });
  }
  if (s.emptyVolume)
    volumes.push({
      id: 'empty',
      pool: 'p2',
      path: '/pool2/empty.qcow2',
      format: 'qcow2',
      virtualSize: 2 * GiB,
      allocated: 0,
    });
  volumes.push({
    id: 'loose',
    pool: 'p2',
    path: '/pool2/loose.img',
    format: 'raw',
    virtualSize: GiB,
    allocated: 10 * MiB,
  });
  // Snapshot i created the layer at depth - snapshots + i of every disk; the last one is current.
  const m = Math.min(s.snapshots, s.depth - 1);
  const snapshots = Array.from({ length: m }, (_, i) => ({
    id: `s${i}`,
    vm: 'vm1',
    parent: i ? `s${i - 1}` : null,
    current: i === m - 1,
    disks: disks.map((_, d) => ({ target: `vd${'abc'[d]}`, layer: `d${d}l${s.depth - m + i}` })),
  }));
  if (s.branchSnapshots && m > 1) snapshots.push({ id: 'side', vm: 'vm1', parent: 's0', current: false, disks: [] });
  const fs = (n: number) =>
    s.fs === 'unknown' ? {} : { fs: { id: s.fs === 'two' ? `fs${n}` : 'fs1', reflink: s.fs === 'one-reflink' } };
  const pools = [
    { id: 'p1', host: 'h1', root: '/pool1', capacity: 100 * GiB, free: 50 * GiB, ...fs(1) },
    { id: 'p2', host: 'h1', root: '/pool2', capacity: 100 * GiB, free: s.freeP2, ...fs(2) },
    ...(s.farPool ? [{ id: 'far', host: 'h2', root: '/far', capacity: 100 * GiB, free: 50 * GiB }] : []),
  ];
  return {
    hosts: [{ id: 'h1' }, { id: 'h2' }],
    pools,
    volumes,
    vms: [{ id: 'vm1', host: 'h1', running: s.running, disks }],
    snapshots,
  };
}

const pool = fc.constantFrom('p2', 'p2', 'p2', 'p1', 'far');

/** Requests aimed at the world: mostly at real tops and disks, sometimes at anything. */
export function requestFor(kind: keyof typeof REQUEST_KINDS, s: WorldShape): fc.Arbitrary<unknown> {
  return REQUEST_KINDS[kind](s);
}

function ids(s: WorldShape) {
  const disks = Array.from({ length: s.disks }, (_, d) => `vd${'abc'[d]}`);
  const tops = Array.from({ length: s.disks }, (_, d) => `d${d}l${s.depth - 1}`);
  const layers = Array.from({ length: s.disks * s.depth }, (_, i) => `d${Math.floor(i / s.depth)}l${i % s.depth}`);
  const volume = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...tops) },
    { weight: 1, arbitrary: fc.constantFrom(...layers, 'loose', 'shared', 'empty', 'ghost') },
  );
  return {
    disks,
    volume,
    disk: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...disks) }, { weight: 1, arbitrary: fc.constant('vdz') }),
  };
}

export const REQUEST_KINDS = {
  move: (s: WorldShape) =>
    fc.record({
      kind: fc.constant('move'),
      volume: ids(s).volume,
      toPool: pool,
      shape: fc.constantFrom('flatten', 'keep-chain'),
      verify: fc.constantFrom(undefined, undefined, 'none', 'metadata', 'full'),
      wipeSource: fc.boolean(),
      method: fc.constantFrom(undefined, undefined, 'auto', 'copy'),
    }),
  clone: (s: WorldShape) =>
    fc.record({
      kind: fc.constant('clone'),
      volume: ids(s).volume,
      toPool: pool,
      name: fc.constantFrom('c1.qcow2', 'c2.img', 'loose.img'),
      format: fc.constantFrom(undefined, 'raw', 'qcow2'),
      capacity: fc.constantFrom(undefined, undefined, GiB / 2, 2 * GiB),
      shape: fc.constantFrom('flatten', 'shallow'),
      verify: fc.constantFrom('none', 'metadata', 'full'),
    }),
  'block-copy': (s: WorldShape) =>
    fc.record({
      kind: fc.constant('block-copy'),
      vm: fc.constant('vm1'),
      finish: fc.constantFrom('pivot', 'keep-copy'),
      disks: fc.uniqueArray(
        fc.record({
          disk: ids(s).disk,
          flags: fc.oneof(
            { weight: 6, arbitrary: fc.constantFrom(8, 9, 10, 11, 12, 13) },
            { weight: 1, arbitrary: fc.integer({ min: 0, max: 31 }) },
          ),
          pool: fc.constant('p2'),
          name: fc.constantFrom('t-a.qcow2', 't-b.qcow2', 't-c.qcow2'),
          path: fc.constantFrom(undefined, undefined, '/pool2/empty.qcow2'),
          format: fc.constantFrom(undefined, 'qcow2'),
        }),
        { minLength: 1, maxLength: 3, selector: (d) => d.disk },
      ),
    }),
  snapshot: (s: WorldShape) =>
    fc.record({
      kind: fc.constant('snapshot'),
      vm: fc.constant('vm1'),
      name: fc.constantFrom('new', 'new', 's0'),
      disks: fc.option(fc.uniqueArray(ids(s).disk, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    }),
  'snapshot-delete': () =>
    fc.record({
      kind: fc.constant('snapshot-delete'),
      vm: fc.constant('vm1'),
      snapshot: fc.constantFrom('s0', 's1', 's2', 'side'),
      mode: fc.constantFrom('snapshot', 'with-children', 'children-only'),
    }),
} as const;
