// Which job statuses can still follow a given one: the closure of QEMU's job state transition
// table (src/qmp/job-states.ts, a QEMU fact the planner, simulator and agent all read).
// Used to stop waiting for a status the job can no longer reach.
import { JOB_TRANSITIONS, type JobStatus } from './job-states.js';

/** True when `to` is `from` or can follow it through some sequence of transitions. */
export function canStillReach(from: JobStatus, to: JobStatus): boolean {
  const seen = new Set<JobStatus>([from]);
  const queue: JobStatus[] = [from];
  while (queue.length) {
    const s = queue.shift()!;
    if (s === to) return true;
    for (const n of JOB_TRANSITIONS[s] ?? []) if (!seen.has(n)) seen.add(n), queue.push(n);
  }
  return false;
}
