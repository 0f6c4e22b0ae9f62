// External snapshot delete (seed 004), libvirt's three modes, disk by disk: commit the layers into
// their parent (an active commit ends with a pivot, an intermediate one finishes by itself), then
// record that this disk is merged. A disk that fails leaves the ones already merged as they are; the
// snapshot says which disks are merged, and re-running the same request does the rest.
import { VdiskError } from '../errors/vdisk-error.js';
import { StepList } from './builder.js';
import type { IdSource } from './ids.js';
import type { Inventory, Vm } from './inventory.js';
import { getSnapshot, getVm, singleHost, getPool } from './lookup.js';
import { makePlan } from './make-plan.js';
import type { Plan } from './plan-schema.js';
import type { SnapshotDeleteRequest } from './requests.js';
import { linearLine, removal } from './snapshot-tree.js';
import { checkDiskCommit, type DiskCommit } from './validate-commit.js';
import { addLiveCommit, addOfflineCommit } from './commit-steps.js';

export function planSnapshotDelete(req: SnapshotDeleteRequest, inv: Inventory, ids: IdSource): Plan {
  const vm = getVm(inv, req.vm);
  const s = getSnapshot(inv, vm.id, req.snapshot);
  const line = linearLine(inv, s);
  const { removed, parent, current } = removal(line, req.mode);
  const first = removed[0];
  const pending = first ? first.disks.filter((d) => !d.merged) : [];
  // Every disk any removed snapshot covers is merged through the first one's record: a child that
  // covers a disk the first does not would lose its metadata while its layer stays in the chain.
  const stray = removed.flatMap((r) => r.disks).find((d) => !first!.disks.some((x) => x.target === d.target));
  if (stray) {
    const message = `a snapshot below '${first!.id}' covers disk '${stray.target}', which '${first!.id}' does not`;
    throw new VdiskError('E_PLAN_CHAIN_MISMATCH', message, { field: 'snapshot', value: stray.target });
  }
  const commits = pending.map((d) => checkDiskCommit(inv, vm, line, d.target, req.mode, removed));
  // Every file a commit writes: the merged layers, the base, and the layer above (its backing name).
  const touched = commits.flatMap((c) => [...c.removedLayers, c.base, ...(c.above ? [c.above] : [])]);
  const host = singleHost([vm.host, ...touched.map((v) => getPool(inv, v.pool).host)]);
  const list = new StepList();
  const done = commits.map((c) => (vm.running ? addLiveCommit(list, ids, vm, c) : addOfflineCommit(list, vm, c)));
  if (removed.length) {
    list.add(
      {
        action: 'inventory-update',
        params: {
          ops: [
            {
              op: 'remove-snapshots',
              snapshots: removed.map((r) => r.id),
              parent,
              current,
            },
          ],
        },
      },
      {
        label: `remove snapshot${removed.length > 1 ? 's' : ''} ${removed.map((r) => r.id).join(', ')}`,
        phase: 'commit',
        afterOnly: done,
      },
    );
  }
  return makePlan(
    {
      request: req,
      host,
      live: vm.running,
      steps: list.steps,
      summary: summary(
        req,
        vm,
        commits,
        removed.map((r) => r.id),
      ),
      preconditions: [
        { check: 'vm-running', vm: vm.id, running: vm.running },
        ...commits.map((c) => ({
          check: 'disk-volume' as const,
          vm: vm.id,
          disk: c.disk.target,
          volume: c.disk.volume,
        })),
      ],
      postconditions: [
        ...removed.map((r) => ({ check: 'no-volume' as const, volume: r.disks[0]?.layer ?? r.id })),
        ...commits.map((c) => ({
          check: 'disk-volume' as const,
          vm: vm.id,
          disk: c.disk.target,
          volume: c.active ? c.base.id : c.disk.volume,
        })),
      ],
      retry: 'disks already merged are recorded in the snapshot: re-run the same request to merge the rest',
    },
    ids,
  );
}

function summary(req: SnapshotDeleteRequest, vm: Vm, commits: DiskCommit[], removed: string[]): string {
  if (!removed.length) return `snapshot ${req.snapshot} of VM ${vm.id} has no children: nothing to do`;
  const disks = commits.map(
    (c) =>
      `${c.disk.target}: ${c.active ? 'active' : 'intermediate'} commit of ${c.removedLayers.length} layer(s) into ${c.base.path}`,
  );
  return (
    `delete ${req.mode === 'children-only' ? 'the children of ' : ''}snapshot ${req.snapshot}` +
    `${req.mode === 'with-children' ? ' and its children' : ''} on VM ${vm.id} (${vm.running ? 'live' : 'offline'}): ${disks.join('; ') || 'all disks already merged'}`
  );
}
