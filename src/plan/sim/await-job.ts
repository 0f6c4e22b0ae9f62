// Waiting for a job state, as the agent waits for JOB_STATUS_CHANGE events: the simulated job does
// its work and moves along the state table. Waiting for a state the job can never reach on its own
// (a pending job with auto-finalize off, a ready one nobody completes) is a plan bug.
import type { JobStatus } from '../../qmp/job-states.js';
import { getJob, move, runJob } from './qemu.js';
import { SimError, type SimQemu, type SimWorld } from './world.js';

export function awaitJob(w: SimWorld, vm: string, q: SimQemu, id: string, want: JobStatus, fail: boolean): void {
  const job = getJob(q, id);
  if (fail && !['aborting', 'concluded', 'null'].includes(job.status)) {
    if (job.status === 'running') runJob(w, q, job, 0.5); // it got part of the way
    job.failed = true;
    move(job, 'aborting');
    move(job, 'concluded');
  }
  // A fault while waiting on a job that has already ended: the wait itself is lost (e.g. the
  // monitor connection dropped), and the step fails without changing the job.
  if (fail) throw new SimError('E_PLAN_QMP_ERROR', `injected failure while waiting for ${id}`, 'generic');
  if (job.status === 'aborting') move(job, 'concluded');
  if (job.status === want) {
    if (job.failed && want !== 'concluded') throw failed(id);
    return;
  }
  if (job.status === 'concluded') {
    if (job.failed) throw failed(id);
  }
  if (want === 'ready' && job.status === 'running' && (job.type === 'mirror' || job.active)) {
    runJob(w, q, job);
    move(job, 'ready');
    return;
  }
  if (want === 'pending' && job.status === 'running' && job.type === 'commit' && !job.active) {
    runJob(w, q, job);
    move(job, 'waiting');
    move(job, 'pending');
    return;
  }
  if (want === 'pending' && job.status === 'waiting') {
    move(job, 'pending');
    return;
  }
  w.violations.push(`${vm}: waiting for ${id} to be ${want} while it is ${job.status} would never end`);
  throw new SimError('E_PLAN_STEP_FAILED', `job ${id} cannot reach ${want} from ${job.status}`, 'wrong-state');
}

const failed = (id: string) => new SimError('E_PLAN_STEP_FAILED', `job ${id} failed`, 'generic');
