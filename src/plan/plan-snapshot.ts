// Atomic multi-disk external snapshot (seed 003): a new qcow2 overlay per disk, then one
// transaction of blockdev-snapshot actions for all disks, all or nothing. Overlays made for a
// failed transaction are closed and removed. Offline, the overlays are created as files and the
// inventory switches every disk in one update.
import { VdiskError } from '../errors/vdisk-error.js';
import { StepList } from './builder.js';
import type { IdSource } from './ids.js';
import type { Inventory, Snapshot, Volume } from './inventory.js';
import type { InventoryOp } from './inventory-ops.js';
import { createTarget, newNode } from './live-steps.js';
import {
  assertFiles,
  assertFormatsStated,
  assertLegal,
  assertNodes,
  assertPathFree,
  chainOf,
  getDisk,
  getPool,
  getVm,
  singleHost,
} from './lookup.js';
import { makePlan } from './make-plan.js';
import { basename, dirname, joinPath } from './paths.js';
import type { Plan } from './plan-schema.js';
import type { SnapshotRequest } from './requests.js';
import { inheritedMode } from './modes.js';

export function planSnapshot(req: SnapshotRequest, inv: Inventory, ids: IdSource): Plan {
  const vm = getVm(inv, req.vm);
  if (inv.snapshots.some((s) => s.vm === vm.id && s.id === req.name)) {
    throw new VdiskError('E_PLAN_NAME_TAKEN', `VM '${vm.id}' already has a snapshot '${req.name}'`, {
      field: 'name',
      value: req.name,
    });
  }
  const targets = req.disks ?? vm.disks.map((d) => d.target);
  const dup = targets.find((t, i) => targets.indexOf(t) !== i);
  if (dup)
    throw new VdiskError('E_PLAN_DUPLICATE_DISK', `disk '${dup}' is named twice`, { field: 'disks', value: dup });
  const disks = targets.map((t) => {
    const disk = getDisk(vm, t);
    assertNodes(vm, disk);
    const chain = chainOf(inv, disk.volume);
    assertLegal(chain);
    assertFormatsStated(chain);
    assertFiles(chain.slice(0, 1));
    const top = chain[0]!;
    const path = joinPath(dirname(top.path), `${basename(top.path).replace(/\.[^.]*$/, '')}.${req.name}.qcow2`);
    assertPathFree(inv, path);
    const overlay: Volume = {
      ...top,
      id: ids('volume'),
      path,
      format: 'qcow2',
      allocated: 0,
      state: 'illegal',
      mode: inheritedMode(top.mode),
      backing: top.id,
      backingName: basename(top.path),
    };
    return { disk, top, overlay, node: newNode(ids, overlay.id) };
  });
  const host = singleHost([vm.host, ...disks.map((d) => getPool(inv, d.top.pool).host)]);
  const parent = inv.snapshots.find((s) => s.vm === vm.id && s.current)?.id ?? null;
  const snapshot: Snapshot = {
    id: req.name,
    vm: vm.id,
    parent,
    current: true,
    disks: disks.map((d) => ({ target: d.disk.target, layer: d.overlay.id, merged: false })),
  };
  const list = new StepList();
  const ops: InventoryOp[] = [];
  for (const d of disks) {
    ops.push({ op: 'set-state', volume: d.overlay.id, state: 'ok' });
    const nodes = vm.running ? [d.node, ...d.disk.nodes] : [];
    ops.push({ op: 'set-disk', vm: vm.id, disk: d.disk.target, volume: d.overlay.id, nodes });
    if (vm.running)
      createTarget(
        list,
        ids,
        vm.id,
        d.overlay,
        d.node,
        { file: basename(d.top.path), format: d.top.format, node: null },
        'all',
      );
    else createOverlayFile(list, d.overlay, d.top);
  }
  ops.push({ op: 'add-snapshot', snapshot });
  if (vm.running) {
    list.add(
      {
        action: 'qmp-snapshot-group',
        params: {
          vm: vm.id,
          pairs: disks.map((d) => ({ node: d.disk.nodes[0]!.node, overlay: d.node.node })),
        },
      },
      { label: `take the snapshot of ${targets.join(', ')} in one transaction`, phase: 'commit' },
    );
  }
  list.add({ action: 'inventory-update', params: { ops } }, { label: `record snapshot ${req.name}`, phase: 'commit' });
  return makePlan(
    {
      request: req,
      host,
      live: vm.running,
      steps: list.steps,
      summary: `${vm.running ? 'live' : 'offline'} snapshot ${req.name} of ${targets.join(', ')} on VM ${vm.id}, all or nothing`,
      preconditions: [
        { check: 'vm-running', vm: vm.id, running: vm.running },
        ...disks.map((d) => ({ check: 'file-absent' as const, path: d.overlay.path })),
      ],
      postconditions: disks.map((d) => ({
        check: 'disk-volume' as const,
        vm: vm.id,
        disk: d.disk.target,
        volume: d.overlay.id,
      })),
      retry: 'a failed snapshot leaves nothing behind: re-run the same request',
    },
    ids,
  );
}

function createOverlayFile(list: StepList, overlay: Volume, top: Volume): void {
  list.add(
    { action: 'create-volume', params: { volume: overlay, backingFormat: top.format } },
    {
      label: `create overlay ${overlay.path} on ${top.path}`,
      undo: [{ action: 'delete-volume', params: { volume: overlay.id, path: overlay.path } }],
    },
  );
}
