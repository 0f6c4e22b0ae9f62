// Typed wrappers for block jobs. Every job vdisk starts has auto-finalize and auto-dismiss off, so
// its outcome stays in QEMU (query-jobs) until the agent has journaled it, even across an agent crash.
import type { QmpClient } from './client.js';
import type { JobInfo, MirrorSync } from './types.js';

const MANUAL = { 'auto-finalize': false, 'auto-dismiss': false } as const;

export interface MirrorArgs {
  jobId: string;
  /** Node (or device) whose data is copied: the top of the chain the guest sees. */
  device: string;
  /** Node already added with blockdev-add (for sync 'top' opened with backing: null). */
  target: string;
  sync: MirrorSync;
  /** Maximum copy speed in bytes per second (0 = unlimited). */
  speed?: number;
  /** Mirror guest writes synchronously ('write-blocking') or in the background ('background'). */
  copyMode?: 'background' | 'write-blocking';
}

export async function blockdevMirror(qmp: QmpClient, a: MirrorArgs): Promise<void> {
  await qmp.execute('blockdev-mirror', {
    'job-id': a.jobId,
    device: a.device,
    target: a.target,
    sync: a.sync,
    ...(a.speed !== undefined ? { speed: a.speed } : {}),
    ...(a.copyMode !== undefined ? { 'copy-mode': a.copyMode } : {}),
    ...MANUAL,
  });
}

export interface CommitArgs {
  jobId: string;
  /** Node at the top of the chain (the device's node). */
  device: string;
  /** Layer to commit; omitted or equal to the active layer makes an active commit (goes READY). */
  topNode?: string;
  /** Layer that receives the data; omitted means the bottom of the chain. */
  baseNode?: string;
  /** Backing name written into the layer above `top` (keeps relative names); intermediate commit only. */
  backingFile?: string;
  speed?: number;
}

export async function blockCommit(qmp: QmpClient, a: CommitArgs): Promise<void> {
  await qmp.execute('block-commit', {
    'job-id': a.jobId,
    device: a.device,
    ...(a.topNode !== undefined ? { 'top-node': a.topNode } : {}),
    ...(a.baseNode !== undefined ? { 'base-node': a.baseNode } : {}),
    ...(a.backingFile !== undefined ? { 'backing-file': a.backingFile } : {}),
    ...(a.speed !== undefined ? { speed: a.speed } : {}),
    ...MANUAL,
  });
}

/** Pivot a READY mirror or active commit; QEMU refuses it in any other state. */
export async function jobComplete(qmp: QmpClient, id: string): Promise<void> {
  await qmp.execute('job-complete', { id });
}

/** Hard cancel: the job aborts (for a mirror, the copy is left incomplete). */
export async function jobCancel(qmp: QmpClient, id: string): Promise<void> {
  await qmp.execute('job-cancel', { id });
}

/** Soft cancel of a READY mirror ends it with a consistent copy and no pivot; `force` makes it a hard cancel. */
export async function blockJobCancel(qmp: QmpClient, device: string, force = false): Promise<void> {
  await qmp.execute('block-job-cancel', { device, ...(force ? { force: true } : {}) });
}

export async function jobFinalize(qmp: QmpClient, id: string): Promise<void> {
  await qmp.execute('job-finalize', { id });
}

export async function jobDismiss(qmp: QmpClient, id: string): Promise<void> {
  await qmp.execute('job-dismiss', { id });
}

export function queryJobs(qmp: QmpClient): Promise<JobInfo[]> {
  return qmp.execute<JobInfo[]>('query-jobs');
}
