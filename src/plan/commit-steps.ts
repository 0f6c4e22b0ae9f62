// Steps of one disk's commit, live (block-commit) or offline (qemu-img commit + rebase -u). The
// commit-phase step is where the chain stops using the merged layers; before it, a failure only
// cancels the job (the base then holds extra data no reader can see through the top).
import type { StepList } from './builder.js';
import type { IdSource } from './ids.js';
import type { Vm } from './inventory.js';
import type { InventoryOp } from './inventory-ops.js';
import { closeNodes, dismissJob } from './live-steps.js';
import { relativeBackingName } from './paths.js';
import type { DiskCommit } from './validate-commit.js';

/** Returns the id of the disk's inventory step (what the snapshot removal waits for). */
export function addLiveCommit(list: StepList, ids: IdSource, vm: Vm, c: DiskCommit): string {
  const unit = c.disk.target;
  const job = ids('job');
  const backingFile = c.above ? relativeBackingName(c.above.path, c.base.path) : null;
  list.add(
    {
      action: 'qmp-commit',
      params: {
        vm: vm.id,
        job,
        device: c.disk.nodes[0]!.node,
        top: c.node(c.top).node,
        base: c.node(c.base).node,
        backingFile,
        active: c.active,
      },
    },
    {
      label: `${c.active ? 'active' : 'intermediate'} commit of ${c.top.path} into ${c.base.path}`,
      unit,
      undo: [{ action: 'qmp-job-cancel', params: { vm: vm.id, job } }],
      weight: weightOf(c),
    },
  );
  if (c.active) {
    list.add({ action: 'qmp-wait-ready', params: { vm: vm.id, job } }, { label: `wait until ${job} is ready`, unit });
    list.add(
      { action: 'qmp-pivot', params: { vm: vm.id, job } },
      { label: `pivot ${unit} to ${c.base.path}`, unit, phase: 'commit' },
    );
  } else {
    list.add(
      { action: 'qmp-job-finish', params: { vm: vm.id, job } },
      { label: `finish ${job}`, unit, phase: 'commit' },
    );
  }
  const record = list.add(
    { action: 'inventory-update', params: { ops: inventoryOps(vm, c, true) } },
    {
      label: `record ${unit} as merged`,
      unit,
      phase: 'commit',
    },
  );
  dismissJob(list, vm.id, job, unit, [record]);
  const closed = closeNodes(list, vm.id, c.removedNodes, unit, [record]);
  deleteLayers(list, c, [record, ...closed]);
  return record;
}

export function addOfflineCommit(list: StepList, vm: Vm, c: DiskCommit): string {
  const unit = c.disk.target;
  list.add(
    {
      action: 'commit-offline',
      params: { top: c.top.id, topPath: c.top.path, base: c.base.id, basePath: c.base.path },
    },
    {
      label: `commit ${c.top.path} into ${c.base.path} (qemu-img commit)`,
      unit,
      weight: weightOf(c),
    },
  );
  if (c.above) {
    list.add(
      {
        action: 'rebase-offline',
        params: {
          volume: c.above.id,
          path: c.above.path,
          backing: c.base.id,
          backingName: relativeBackingName(c.above.path, c.base.path),
          backingFormat: c.base.format,
        },
      },
      { label: `point ${c.above.path} at ${c.base.path} (rebase -u)`, unit, phase: 'commit' },
    );
  }
  const record = list.add(
    { action: 'inventory-update', params: { ops: inventoryOps(vm, c, false) } },
    {
      label: `record ${unit} as merged`,
      unit,
      phase: 'commit',
    },
  );
  deleteLayers(list, c, [record]);
  return record;
}

function inventoryOps(vm: Vm, c: DiskCommit, live: boolean): InventoryOp[] {
  const ops: InventoryOp[] = [
    {
      op: 'set-disk',
      vm: vm.id,
      disk: c.disk.target,
      volume: c.active ? c.base.id : c.disk.volume,
      nodes: live ? c.keptNodes : [],
    },
  ];
  if (c.above)
    ops.push({
      op: 'set-backing',
      volume: c.above.id,
      backing: c.base.id,
      backingName: relativeBackingName(c.above.path, c.base.path),
    });
  for (const v of c.removedLayers) ops.push({ op: 'forget-volume', volume: v.id });
  for (const s of c.snapshots) ops.push({ op: 'snapshot-merged', snapshot: s, disk: c.disk.target });
  return ops;
}

function deleteLayers(list: StepList, c: DiskCommit, after: string[]): void {
  for (const v of c.removedLayers) {
    list.add(
      { action: 'delete-file', params: { path: v.path, pool: v.pool, wipe: false } },
      {
        label: `delete the merged layer ${v.path}`,
        unit: c.disk.target,
        phase: 'cleanup',
        afterOnly: after,
      },
    );
  }
}

const weightOf = (c: DiskCommit): number =>
  Math.max(1, Math.ceil(c.removedLayers.reduce((n, v) => n + v.allocated, 0) / (1024 * 1024)));
