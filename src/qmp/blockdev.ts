// Typed wrappers for the node commands: add, delete, create (a job), and the two queries that show
// the block graph.
import type { QmpClient } from './client.js';
import { runToConclusion } from './job-wait.js';
import type { BlockInfo, BlockNodeInfo, BlockdevCreateOptions, BlockdevOptions, JobInfo } from './types.js';

export async function blockdevAdd(qmp: QmpClient, options: BlockdevOptions): Promise<void> {
  await qmp.execute('blockdev-add', options);
}

export async function blockdevDel(qmp: QmpClient, nodeName: string): Promise<void> {
  await qmp.execute('blockdev-del', { 'node-name': nodeName });
}

/**
 * Creates an image through QEMU (`blockdev-create`, a job that QEMU never dismisses by itself) and
 * waits for it: concluded, error checked, dismissed. Rejects with E_QMP_JOB_FAILED on failure.
 */
export async function blockdevCreate(
  qmp: QmpClient,
  jobId: string,
  options: BlockdevCreateOptions,
  timeoutMs = 30_000,
): Promise<JobInfo> {
  return runToConclusion(qmp, jobId, () => qmp.execute('blockdev-create', { 'job-id': jobId, options }), timeoutMs);
}

/** Every named node, flat (one entry per node rather than nested backing images). */
export function queryNamedBlockNodes(qmp: QmpClient): Promise<BlockNodeInfo[]> {
  return qmp.execute<BlockNodeInfo[]>('query-named-block-nodes', { flat: true });
}

export function queryBlock(qmp: QmpClient): Promise<BlockInfo[]> {
  return qmp.execute<BlockInfo[]>('query-block');
}
