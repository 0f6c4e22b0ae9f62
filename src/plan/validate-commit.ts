// What one disk's commit looks like for a snapshot delete, checked before planning: the layers are
// files in the disk's current chain, nothing outside the chain hangs on them or on the base.
import { VdiskError } from '../errors/vdisk-error.js';
import type { Disk, Inventory, NodeRef, Snapshot, Vm, Volume } from './inventory.js';
import { assertFiles, assertFormatsStated, assertLegal, chainOf, childrenOf, disksUsing, getDisk } from './lookup.js';
import type { DeleteMode } from './snapshot-tree.js';

export interface DiskCommit {
  disk: Disk;
  top: Volume;
  base: Volume;
  /** The layer right above `top` (its backing changes to `base`); null for an active commit. */
  above: Volume | null;
  active: boolean;
  /** Layers merged into the base and then deleted, top first. */
  removedLayers: Volume[];
  removedNodes: NodeRef[];
  keptNodes: NodeRef[];
  node: (v: Volume) => NodeRef;
  /** Snapshots whose record for this disk becomes `merged`. */
  snapshots: string[];
}

export function checkDiskCommit(
  inv: Inventory,
  vm: Vm,
  line: Snapshot[],
  target: string,
  mode: DeleteMode,
  removed: Snapshot[],
): DiskCommit {
  const disk = getDisk(vm, target);
  const chain = chainOf(inv, disk.volume);
  const index = (s: Snapshot): number => {
    const layer = s.disks.find((d) => d.target === target)?.layer;
    const i = chain.findIndex((v) => v.id === layer);
    if (i < 0)
      throw new VdiskError('E_PLAN_CHAIN_MISMATCH', `layer of snapshot '${s.id}' for '${target}' is not in its chain`, {
        field: 'snapshot',
        value: s.id,
      });
    return i;
  };
  line.forEach(index);
  const own = index(line[0]!);
  const [topAt, baseAt] = mode === 'snapshot' ? [own, own + 1] : mode === 'with-children' ? [0, own + 1] : [0, own];
  const base = chain[baseAt];
  if (!base)
    throw new VdiskError('E_PLAN_CHAIN_MISMATCH', `the layer of '${line[0]!.id}' for '${target}' has no backing`, {
      field: 'snapshot',
    });
  const segment = chain.slice(topAt, baseAt + 1);
  assertFiles(segment);
  assertLegal(segment);
  assertFormatsStated(segment);
  for (let i = topAt + 1; i <= baseAt; i++) {
    const kids = childrenOf(inv, chain[i]!.id);
    const others = disksUsing(inv, chain[i]!.id).filter((u) => u.disk !== disk);
    if (kids.length !== 1 || others.length) {
      throw new VdiskError('E_PLAN_SHARED_BACKING', `'${chain[i]!.id}' is also used outside this disk's chain`, {
        field: 'volume',
        value: chain[i]!.id,
      });
    }
  }
  if (vm.running && disk.nodes.length !== chain.length) {
    throw new VdiskError(
      'E_PLAN_BAD_INVENTORY',
      `VM '${vm.id}' lists ${disk.nodes.length} nodes for a chain of ${chain.length}`,
      { field: 'nodes' },
    );
  }
  const node = (v: Volume): NodeRef => disk.nodes[chain.findIndex((c) => c.id === v.id)]!;
  return {
    disk,
    top: chain[topAt]!,
    base,
    above: topAt > 0 ? chain[topAt - 1]! : null,
    active: topAt === 0,
    removedLayers: chain.slice(topAt, baseAt),
    removedNodes: disk.nodes.slice(topAt, baseAt),
    keptNodes: [...disk.nodes.slice(0, topAt), ...disk.nodes.slice(baseAt)],
    node,
    snapshots: removed.filter((s) => s.disks.some((d) => d.target === target)).map((s) => s.id),
  };
}
