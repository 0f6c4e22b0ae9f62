// Which job statuses can still follow a given one: the closure of QEMU 7.2's job state transition
// table (JobSTT in job.c). Used to stop waiting for a status the job can no longer reach.
// Interim copy: switch to the planner's src/plan/job-states.ts once it exists.
import type { JobStatus } from './types.js';

const NEXT: Record<JobStatus, JobStatus[]> = {
  undefined: ['created'],
  created: ['running', 'aborting', 'null'],
  running: ['paused', 'ready', 'waiting', 'aborting'],
  paused: ['running'],
  ready: ['standby', 'waiting', 'aborting'],
  standby: ['ready'],
  waiting: ['pending', 'aborting'],
  pending: ['aborting', 'concluded'],
  aborting: ['aborting', 'concluded'],
  concluded: ['null'],
  null: [],
};

/** True when `to` is `from` or can follow it through some sequence of transitions. */
export function canStillReach(from: JobStatus, to: JobStatus): boolean {
  const seen = new Set<JobStatus>([from]);
  const queue: JobStatus[] = [from];
  while (queue.length) {
    const s = queue.shift()!;
    if (s === to) return true;
    for (const n of NEXT[s]) if (!seen.has(n)) (seen.add(n), queue.push(n));
  }
  return false;
}
