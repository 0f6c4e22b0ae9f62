// Waiting on QEMU jobs through JOB_STATUS_CHANGE events, and driving a finished job through
// finalize and dismiss. Subscribe first, then ask query-jobs: no status change slips between the two.
import { VdiskError } from '../errors/vdisk-error.js';
import type { QmpClient } from './client.js';
import { timeoutError } from './errors.js';
import { canStillReach } from './job-reach.js';
import { jobDismiss, jobFinalize, queryJobs } from './jobs.js';
import type { JobInfo, JobStatus } from './types.js';

export interface WaitOptions {
  timeoutMs?: number;
  /** Sends the command that starts or moves the job, after the subscription is in place. */
  start?: () => Promise<unknown>;
}

/**
 * Resolves with the job's `query-jobs` entry once it reaches one of `targets`. Rejects with
 * E_QMP_JOB_FAILED (QEMU's error text) or E_QMP_JOB_STATE when none of them can follow any more,
 * E_QMP_JOB_MISSING when QEMU has no such job, E_QMP_TIMEOUT when time runs out.
 */
export async function waitForJobStatus(
  qmp: QmpClient,
  jobId: string,
  targets: JobStatus | JobStatus[],
  opts: WaitOptions = {},
): Promise<JobInfo> {
  const wanted = Array.isArray(targets) ? targets : [targets];
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let last: JobStatus | undefined;
  let settle!: (outcome: 'reached' | 'unreachable') => void;
  const outcome = new Promise<'reached' | 'unreachable'>((resolve) => (settle = resolve));
  const observe = (status: JobStatus) => {
    last = status;
    if (wanted.includes(status)) settle('reached');
    else if (!wanted.some((t) => canStillReach(status, t))) settle('unreachable');
  };
  const unsubscribe = qmp.onEvent((e) => {
    if (e.data?.id === jobId) observe(e.data.status as JobStatus);
  }, 'JOB_STATUS_CHANGE');
  let timer: NodeJS.Timeout | undefined;
  try {
    if (opts.start) await opts.start();
    const job = await findJob(qmp, jobId);
    observe(job.status);
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(timeoutError(`job ${jobId} reaching ${wanted.join('|')}`, timeoutMs, qmp.socketPath)),
        timeoutMs,
      );
    });
    const disconnected = qmp.closed.then((e) => Promise.reject(e));
    const result = await Promise.race([outcome, timedOut, disconnected]);
    const info = await findJob(qmp, jobId);
    if (result === 'reached') return info;
    if (info.error) throw jobFailed(info);
    throw new VdiskError('E_QMP_JOB_STATE', `job ${jobId} is ${last} and can no longer become ${wanted.join(' or ')}`, {
      jobId,
      status: last,
    });
  } finally {
    clearTimeout(timer);
    unsubscribe();
  }
}

export interface FinishOptions {
  timeoutMs?: number;
  /** Called with the concluded job before it is dismissed: the place to journal its outcome. */
  beforeDismiss?: (info: JobInfo) => Promise<void> | void;
}

/**
 * Takes a job that has stopped running (pending, or concluded after an abort) to its end:
 * job-finalize if pending, read the outcome, job-dismiss. Rejects with E_QMP_JOB_FAILED if the job
 * failed or was cancelled (it is dismissed either way).
 */
export async function finishJob(qmp: QmpClient, jobId: string, opts: FinishOptions = {}): Promise<JobInfo> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let info = await waitForJobStatus(qmp, jobId, ['pending', 'concluded'], { timeoutMs }).catch((e: unknown) => {
    // A failed job stops in 'concluded' too; only a job that vanished or never stops is an error here.
    if (e instanceof VdiskError && e.code === 'E_QMP_JOB_FAILED') return findJob(qmp, jobId);
    throw e;
  });
  if (info.status === 'pending') {
    info = await waitForJobStatus(qmp, jobId, 'concluded', { timeoutMs, start: () => jobFinalize(qmp, jobId) });
  }
  await opts.beforeDismiss?.(info);
  await jobDismiss(qmp, jobId);
  if (info.error) throw jobFailed(info);
  return info;
}

/** Starts a job that ends by itself (blockdev-create, intermediate commit) and finishes it. */
export async function runToConclusion(
  qmp: QmpClient,
  jobId: string,
  start: () => Promise<unknown>,
  timeoutMs = 30_000,
): Promise<JobInfo> {
  await waitForJobStatus(qmp, jobId, ['pending', 'concluded'], { timeoutMs, start }).catch((e: unknown) => {
    if (!(e instanceof VdiskError && e.code === 'E_QMP_JOB_FAILED')) throw e;
  });
  return finishJob(qmp, jobId, { timeoutMs });
}

async function findJob(qmp: QmpClient, jobId: string): Promise<JobInfo> {
  const job = (await queryJobs(qmp)).find((j) => j.id === jobId);
  if (!job) throw new VdiskError('E_QMP_JOB_MISSING', `QEMU has no job ${jobId}`, { jobId });
  return job;
}

function jobFailed(info: JobInfo): VdiskError {
  return new VdiskError('E_QMP_JOB_FAILED', `job ${info.id} (${info.type}) failed: ${info.error}`, {
    jobId: info.id,
    jobType: info.type,
    desc: info.error,
  });
}
