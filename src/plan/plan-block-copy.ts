// Live block copy and pivot (seed 001) of one disk or a group: every mirror must reach ready before
// any disk pivots; a failure before that cancels all of them. `keep-copy` ends the jobs without
// pivot, leaving consistent copies. A shallow copy is opened on the source's own backing node.
import { VdiskError } from '../errors/vdisk-error.js';
import { StepList } from './builder.js';
import type { Condition } from './conditions.js';
import type { IdSource } from './ids.js';
import type { Inventory, NodeRef } from './inventory.js';
import type { InventoryOp } from './inventory-ops.js';
import {
  closeNodes,
  createTarget,
  dismissJob,
  mirrorToReady,
  newNode,
  openTarget,
  type OpenedNode,
} from './live-steps.js';
import { getVm, singleHost } from './lookup.js';
import { makePlan } from './make-plan.js';
import type { Plan } from './plan-schema.js';
import type { BlockCopyRequest } from './requests.js';
import { checkDiskCopy, type DiskCopy } from './validate-block-copy.js';

export function planBlockCopy(req: BlockCopyRequest, inv: Inventory, ids: IdSource): Plan {
  const vm = getVm(inv, req.vm);
  if (!vm.running)
    throw new VdiskError('E_PLAN_VM_NOT_RUNNING', `VM '${vm.id}' is not running`, { field: 'vm', value: vm.id });
  const names = req.disks.map((d) => d.disk);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup)
    throw new VdiskError('E_PLAN_DUPLICATE_DISK', `disk '${dup}' is named twice`, { field: 'disks', value: dup });
  const copies = req.disks.map((d) => checkDiskCopy(inv, vm, d, ids));
  const paths = copies.map((c) => c.target.path);
  const twice = paths.find((p, i) => paths.indexOf(p) !== i);
  if (twice) throw new VdiskError('E_PLAN_NAME_TAKEN', `two disks are copied to '${twice}'`, { path: twice });
  const host = singleHost([vm.host, ...copies.flatMap((c) => [c.pool.host, ...c.sourcePools.map((p) => p.host)])]);

  const list = new StepList();
  const nodes = copies.map((c) => newNode(ids, c.target.id));
  const jobs = copies.map(() => ids('job'));
  const ready = copies.map((c, i) => prepareDisk(list, ids, vm.id, c, nodes[i]!, jobs[i]!));
  copies.forEach((c, i) => finishDisk(list, vm.id, c, nodes[i]!, jobs[i]!, req.finish, ready));

  return makePlan(
    {
      request: req,
      host,
      live: true,
      steps: list.steps,
      summary:
        `block copy of ${copies.map((c) => `${c.disk.target} → ${c.target.path} (sync ${c.shape.sync}, ${c.shape.target})`).join(', ')}` +
        ` on VM ${vm.id}, then ${req.finish === 'pivot' ? 'pivot' : 'keep the copy without pivot'}`,
      preconditions: [
        { check: 'vm-running', vm: vm.id, running: true },
        ...copies.flatMap((c): Condition[] => [
          { check: 'disk-volume', vm: vm.id, disk: c.disk.target, volume: c.disk.volume },
          c.shape.target === 'create'
            ? { check: 'file-absent', path: c.target.path }
            : { check: 'file-exists', path: c.target.path },
        ]),
      ],
      postconditions: copies.map(
        (c): Condition =>
          req.finish === 'pivot'
            ? { check: 'disk-volume', vm: vm.id, disk: c.disk.target, volume: c.target.id }
            : { check: 'volume-state', volume: c.target.id, state: 'ok' },
      ),
      retry: 'disks that pivoted stay pivoted; re-plan the others',
    },
    ids,
  );
}

function prepareDisk(list: StepList, ids: IdSource, vm: string, c: DiskCopy, n: OpenedNode, job: string): string {
  const unit = c.disk.target;
  if (c.shape.target === 'create') {
    const node = c.backing ? c.disk.nodes[1]!.node : null;
    createTarget(
      list,
      ids,
      vm,
      c.target,
      n,
      c.backing ? { file: c.backing.path, format: c.backing.format, node } : null,
      unit,
    );
  } else {
    list.add(
      {
        action: 'check-target',
        params: {
          volume: c.target.id,
          path: c.target.path,
          format: c.target.format,
          minSize: c.chain[0]!.virtualSize,
          expect: c.shape.check === 'zeros' ? 'zeros' : 'backing',
          backingPath: c.backing?.path ?? null,
        },
      },
      {
        label: `check that ${c.target.path} ${c.shape.check === 'zeros' ? 'reads as zeros' : "names the source's backing"}`,
        unit,
      },
    );
    // A reused target is overwritten from here on: it stays ILLEGAL if the copy does not finish.
    list.add(
      { action: 'inventory-update', params: { ops: [{ op: 'set-state', volume: c.target.id, state: 'illegal' }] } },
      {
        label: `mark ${c.target.path} ILLEGAL while it is written`,
        unit,
      },
    );
    openTarget(list, vm, c.target, n, unit, c.backing ? c.disk.nodes[1]!.node : null);
  }
  return mirrorToReady(list, vm, job, c.disk.nodes[0]!.node, n.node, c.shape.sync, unit, c.bytes);
}

function finishDisk(
  list: StepList,
  vm: string,
  c: DiskCopy,
  n: OpenedNode,
  job: string,
  finish: 'pivot' | 'keep-copy',
  ready: string[],
): void {
  const unit = c.disk.target;
  const ops: InventoryOp[] = [{ op: 'set-state', volume: c.target.id, state: 'ok' }];
  if (c.shape.target === 'reuse') {
    ops.push({
      op: 'set-backing',
      volume: c.target.id,
      backing: c.backing?.id ?? null,
      backingName: c.backing?.path ?? null,
    });
  }
  if (finish === 'keep-copy') {
    list.add(
      { action: 'qmp-release-copy', params: { vm, job } },
      {
        label: `end ${job} without pivot (the copy stays consistent)`,
        unit,
        phase: 'commit',
        after: ready,
      },
    );
    const rec = list.add(
      { action: 'inventory-update', params: { ops } },
      { label: `record ${c.target.path} as a finished copy`, unit, phase: 'commit' },
    );
    dismissJob(list, vm, job, unit, [rec]);
    closeNodes(list, vm, [n], unit, [rec]);
    return;
  }
  const kept: NodeRef[] = c.backing ? c.disk.nodes.slice(1) : [];
  list.add(
    { action: 'qmp-pivot', params: { vm, job } },
    {
      label: `pivot ${c.disk.target} to ${c.target.path} (job-complete)`,
      unit,
      phase: 'commit',
      after: ready,
    },
  );
  ops.push({ op: 'set-disk', vm, disk: c.disk.target, volume: c.target.id, nodes: [n, ...kept] });
  const commit = list.add(
    { action: 'inventory-update', params: { ops } },
    { label: `point ${c.disk.target} at ${c.target.path}`, unit, phase: 'commit' },
  );
  dismissJob(list, vm, job, unit, [commit]);
  closeNodes(list, vm, c.disk.nodes.slice(0, c.disk.nodes.length - kept.length), unit, [commit]);
}
