// The QMP events the model's jobs emit, as QEMU 7.2 emits them for each status a job enters:
// JOB_STATUS_CHANGE always, and for block jobs the older BLOCK_JOB_* events (READY and PENDING
// after the status change, COMPLETED or CANCELLED before `concluded`). A replay of a recorded QEMU
// session compares these with the events QEMU sent; byte counts (len, offset) are not modelled.
import type { JobStatus } from '../../qmp/job-states.js';
import type { SimJob } from './world.js';

export interface SimEvent {
  event: string;
  data: Record<string, unknown>;
}

/** The events of `job` entering `status`, in QEMU's order. */
export function statusEvents(job: SimJob, status: JobStatus): SimEvent[] {
  const change: SimEvent = { event: 'JOB_STATUS_CHANGE', data: { id: job.id, status } };
  if (job.type === 'create') return [change];
  const block = { device: job.id, type: job.type };
  if (status === 'ready') return [change, { event: 'BLOCK_JOB_READY', data: block }];
  if (status === 'pending') return [change, { event: 'BLOCK_JOB_PENDING', data: { id: job.id, type: job.type } }];
  if (status !== 'concluded') return [change];
  if (job.cancelled === 'force') return [{ event: 'BLOCK_JOB_CANCELLED', data: block }, change];
  return [{ event: 'BLOCK_JOB_COMPLETED', data: job.failed ? { ...block, error: true } : block }, change];
}

/** The events of the statuses `job` entered after the first `seen` of its trail. */
export function eventsSince(job: SimJob, seen: number): SimEvent[] {
  return job.trail.slice(seen).flatMap((s) => statusEvents(job, s));
}
