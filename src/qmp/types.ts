// The QAPI shapes the wrappers send and receive (qapi/block-core.json, qapi/job.json in QEMU 7.2).
// Keys keep QAPI's spelling so arguments and transcripts read exactly like the QEMU docs.

import type { JobStatus } from './job-states.js';

// QEMU's job statuses, as the planner's state table names them.
export type { JobStatus };

/** One entry of `query-jobs`. `error` is set once a job has failed or been cancelled. */
export interface JobInfo {
  id: string;
  type: string;
  status: JobStatus;
  'current-progress': number;
  'total-progress': number;
  error?: string;
}

/** Options of `blockdev-add`: a driver plus its own fields (file, backing, read-only, ...). */
export interface BlockdevOptions {
  driver: string;
  'node-name'?: string;
  'read-only'?: boolean;
  [field: string]: unknown;
}

/** Options of `blockdev-create` (BlockdevCreateOptions): `file` driver with a name, or a format on a node. */
export interface BlockdevCreateOptions {
  driver: string;
  size: number;
  [field: string]: unknown;
}

export interface ImageInfo {
  filename: string;
  format: string;
  'virtual-size': number;
  'backing-filename'?: string;
  'backing-filename-format'?: string;
  'full-backing-filename'?: string;
  'backing-image'?: ImageInfo;
  [field: string]: unknown;
}

/** One node of `query-named-block-nodes` (BlockDeviceInfo). */
export interface BlockNodeInfo {
  'node-name': string;
  drv: string;
  file: string;
  ro: boolean;
  backing_file?: string;
  backing_file_depth: number;
  image: ImageInfo;
  [field: string]: unknown;
}

/** One device of `query-block`: `inserted['node-name']` is the node the guest sees. */
export interface BlockInfo {
  device: string;
  qdev?: string;
  locked: boolean;
  removable: boolean;
  inserted?: BlockNodeInfo;
  [field: string]: unknown;
}

export type MirrorSync = 'full' | 'top' | 'none';

export interface TransactionAction {
  type: string;
  data: Record<string, unknown>;
}
