// Step fragments shared by the live plans: open images in QEMU's block graph, mirror a disk to
// ready, and the compensations that go with them (close nodes, cancel jobs, remove files).
import type { StepList } from './builder.js';
import type { Format, NodeRef, Volume } from './inventory.js';
import type { IdSource } from './ids.js';

export interface OpenedNode {
  volume: string;
  node: string;
  fileNode: string;
}

export function newNode(ids: IdSource, volume: string): OpenedNode {
  const node = ids('node');
  return { volume, node, fileNode: `${node}f` };
}

/** Open existing files as a read-only chain, bottom first, each on the one below. */
export function openChain(list: StepList, vm: string, layers: { v: Volume; n: OpenedNode }[], unit: string): void {
  let below: string | null = null;
  for (const { v, n } of layers) {
    list.add(
      {
        action: 'qmp-open-image',
        params: {
          vm,
          node: n.node,
          fileNode: n.fileNode,
          path: v.path,
          format: v.format,
          readOnly: true,
          backing: below,
        },
      },
      { label: `open ${v.path} read-only in QEMU`, unit, undo: [closeCall(vm, n)] },
    );
    below = n.node;
  }
}

/** Open a copy target: on an already open backing node (shared with the source), or alone. */
export function openTarget(
  list: StepList,
  vm: string,
  v: Volume,
  n: OpenedNode,
  unit: string,
  backing: string | null,
): void {
  list.add(
    {
      action: 'qmp-open-image',
      params: {
        vm,
        node: n.node,
        fileNode: n.fileNode,
        path: v.path,
        format: v.format,
        readOnly: false,
        backing,
      },
    },
    {
      label: `open ${v.path} in QEMU${backing ? ` on ${backing}` : ' (no backing yet)'}`,
      unit,
      undo: [closeCall(vm, n)],
    },
  );
}

export function createTarget(
  list: StepList,
  ids: IdSource,
  vm: string,
  v: Volume,
  n: OpenedNode,
  backing: { file: string; format: Format; node: string | null } | null,
  unit: string,
): void {
  list.add(
    { action: 'inventory-update', params: { ops: [{ op: 'add-volume', volume: { ...v, state: 'illegal' } }] } },
    {
      label: `register ${v.path} (ILLEGAL until the copy is done)`,
      unit,
      undo: [{ action: 'inventory-update', params: { ops: [{ op: 'forget-volume', volume: v.id }] } }],
    },
  );
  const fileJob = ids('job');
  const formatJob = v.format === 'qcow2' ? ids('job') : null;
  const jobs = [fileJob, ...(formatJob ? [formatJob] : [])];
  list.add(
    {
      action: 'qmp-create-image',
      params: {
        vm,
        fileJob,
        formatJob,
        node: n.node,
        fileNode: n.fileNode,
        path: v.path,
        format: v.format,
        size: v.virtualSize,
        backingFile: backing?.file ?? null,
        backingFormat: backing?.format ?? null,
        backing: backing?.node ?? null,
      },
    },
    {
      label: `create ${v.path} through QEMU (blockdev-create) and open it`,
      unit,
      undo: [
        ...jobs.map((job) => ({ action: 'qmp-job-cancel' as const, params: { vm, job } })),
        closeCall(vm, n),
        { action: 'delete-file', params: { path: v.path, pool: v.pool, wipe: false } },
      ],
    },
  );
}

/** blockdev-mirror, then wait for BLOCK_JOB_READY; the undo abandons the job. */
export function mirrorToReady(
  list: StepList,
  vm: string,
  job: string,
  device: string,
  target: string,
  sync: 'full' | 'top',
  unit: string,
  bytes: number,
): string {
  list.add(
    { action: 'qmp-mirror', params: { vm, job, device, target, sync } },
    {
      label: `start mirror ${job} of ${device} to ${target} (sync ${sync})`,
      unit,
      undo: [{ action: 'qmp-job-cancel', params: { vm, job } }],
    },
  );
  return list.add(
    { action: 'qmp-wait-ready', params: { vm, job } },
    {
      label: `wait until ${job} is ready`,
      unit,
      weight: Math.max(1, Math.ceil(bytes / (1024 * 1024))),
    },
  );
}

/** Dismiss a finished job once its outcome is recorded (a failure only leaves a job to dismiss). */
export function dismissJob(list: StepList, vm: string, job: string, unit: string, after: string[]): string {
  return list.add(
    { action: 'qmp-job-dismiss', params: { vm, job } },
    { label: `dismiss ${job}`, unit, phase: 'cleanup', afterOnly: after },
  );
}

export function closeCall(vm: string, n: { node: string; fileNode: string }) {
  return { action: 'qmp-close-image' as const, params: { vm, node: n.node, fileNode: n.fileNode } };
}

/** Close nodes that no longer serve the guest, top first (a node's backing is closed after it). */
export function closeNodes(list: StepList, vm: string, nodes: NodeRef[], unit: string, after?: string[]): string[] {
  return nodes.map((n) =>
    list.add(closeCall(vm, n), { label: `close node ${n.node} in QEMU`, unit, phase: 'cleanup', after }),
  );
}
