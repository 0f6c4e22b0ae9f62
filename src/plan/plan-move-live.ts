// Live move of a running VM's disk. Flatten: blockdev-create a new file and mirror the whole chain.
// Keep the chain (seed 001, last paragraph): copy the read-only backing layers offline, pre-create
// the top's copy with a relative backing name, mirror only the top into it (SHALLOW|REUSE_EXT),
// give it its copied backing, pivot once ready, then delete the old layers.
import type { StepList } from './builder.js';
import type { IdSource } from './ids.js';
import type { NodeRef } from './inventory.js';
import {
  closeNodes,
  createTarget,
  dismissJob,
  mirrorToReady,
  newNode,
  openChain,
  openTarget,
  type OpenedNode,
} from './live-steps.js';
import { addOfflineCopy } from './offline-copy.js';
import { addSourceDeletes, switchOps } from './plan-move.js';
import type { MoveFacts } from './validate-move.js';

export function planLiveMove(list: StepList, f: MoveFacts, ids: IdSource): void {
  const vm = f.vm!.id;
  const oldNodes = f.disk!.nodes;
  const top = f.copies.at(-1)!;
  const topNode = newNode(ids, top.source.id);
  const job = ids('job');
  let newNodes: NodeRef[];
  if (!f.keepChain) {
    createTarget(list, ids, vm, top.target, topNode, null, 'all');
    mirrorToReady(list, vm, job, oldNodes[0]!.node, topNode.node, 'full', 'all', top.bytes);
    newNodes = [{ ...topNode, volume: f.volume.id }];
  } else {
    const lower = f.copies.slice(0, -1);
    for (const c of lower) addOfflineCopy(list, c, f.verify);
    const below = lower.at(-1)!.target;
    list.add(
      { action: 'create-volume', params: { volume: top.target, backingFormat: below.format } },
      {
        label: `pre-create ${top.target.path} backed by ${top.target.backingName} (relative)`,
        undo: [{ action: 'delete-volume', params: { volume: top.target.id, path: top.target.path } }],
      },
    );
    list.add(
      {
        action: 'check-target',
        params: {
          volume: top.target.id,
          path: top.target.path,
          format: top.target.format,
          minSize: f.volume.virtualSize,
          expect: 'backing',
          backingPath: below.path,
        },
      },
      { label: `check that ${top.target.path} names ${below.path} as its backing` },
    );
    const lowerNodes: { v: typeof below; n: OpenedNode }[] = lower.map((c) => ({
      v: c.target,
      n: newNode(ids, c.source.id),
    }));
    openChain(list, vm, lowerNodes, 'all');
    openTarget(list, vm, top.target, topNode, 'all', null);
    mirrorToReady(list, vm, job, oldNodes[0]!.node, topNode.node, 'top', 'all', top.bytes);
    list.add(
      { action: 'qmp-attach-backing', params: { vm, node: lowerNodes.at(-1)!.n.node, overlay: topNode.node } },
      {
        label: `attach the copied backing chain under ${top.target.path}`,
      },
    );
    newNodes = [
      { ...topNode, volume: f.volume.id },
      ...lowerNodes.reverse().map(({ n }, i) => ({
        ...n,
        volume: f.chain[i + 1]!.id,
      })),
    ];
  }
  if (f.verify === 'metadata') {
    list.add(
      {
        action: 'verify-copy',
        params: {
          source: f.volume.id,
          sourcePath: f.volume.path,
          target: top.target.id,
          targetPath: top.target.path,
          mode: 'metadata',
          depth: f.keepChain ? 'top' : 'flatten',
        },
      },
      { label: `verify ${top.target.path} metadata against ${f.volume.path}` },
    );
  }
  list.add(
    { action: 'qmp-pivot', params: { vm, job } },
    { label: `pivot ${f.disk!.target} to the copy (job-complete)`, phase: 'commit' },
  );
  const commit = list.add(
    {
      action: 'inventory-update',
      params: {
        ops: [
          { op: 'set-state', volume: top.target.id, state: 'ok' },
          ...switchOps(f),
          { op: 'set-disk', vm, disk: f.disk!.target, volume: f.volume.id, nodes: newNodes },
        ],
      },
    },
    { label: `switch the inventory to the copy in pool ${f.pool.id}`, phase: 'commit' },
  );
  dismissJob(list, vm, job, 'all', [commit]);
  const closed = closeNodes(list, vm, oldNodes, 'all', [commit]);
  addSourceDeletes(list, f, [commit, ...closed]);
}
