// Applying a job verb only when the planner's verb table allows it in the job's current status, so
// a pivot before READY fails with vdisk's own code before QEMU is asked. QEMU still enforces its
// table too, should the status change between the query and the command.
import { VdiskError } from '../errors/vdisk-error.js';
import { JOB_VERB_COMMAND, assertVerb, type JobVerb } from './job-states.js';
import type { QmpClient } from './client.js';
import { queryJobs } from './jobs.js';

export async function applyJobVerb(qmp: QmpClient, jobId: string, verb: JobVerb): Promise<void> {
  const job = (await queryJobs(qmp)).find((j) => j.id === jobId);
  if (!job) throw new VdiskError('E_QMP_JOB_MISSING', `QEMU has no job ${jobId}`, { jobId });
  assertVerb(verb, job.status, jobId);
  await qmp.execute(JOB_VERB_COMMAND[verb], { id: jobId });
}
