// Stopping an agent whose jobs are running (SIGTERM): a step call is never cut between its journal's
// step-start and step-end records if it can finish within the grace period. `atStepBoundary` calls
// `then` synchronously at the first moment no running job has a call in flight — inside the event that
// reports the call's end, right after its step-end record was written and fsync'd, before the plan's
// next step can begin. The process then exits; on start the journal resumes the plan from there.
import type { Job } from './job.js';
import { isFinal } from './job-state.js';

const callInFlight = (job: Job): boolean => {
  for (let i = job.events.list.length - 1; i >= 0; i--) {
    const e = job.events.list[i]!;
    if (e.event === 'step') return (e.data as { phase?: string }).phase === 'start';
  }
  return false;
};

export const runningJobs = (jobs: Iterable<Job>): Job[] => [...jobs].filter((j) => !isFinal(j.state));

/** Calls `then` once no running job has a step call in flight, or after `graceMs` at the latest. */
export function atStepBoundary(
  jobs: Iterable<Job>,
  graceMs: number,
  then: (how: { timedOut: boolean; running: string[] }) => void,
): void {
  const running = runningJobs(jobs);
  const unfollow: (() => void)[] = [];
  let done = false;
  const finish = (timedOut: boolean) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    for (const u of unfollow) u();
    then({ timedOut, running: running.filter((j) => !isFinal(j.state)).map((j) => j.id) });
  };
  const check = () => {
    if (!running.some((j) => !isFinal(j.state) && callInFlight(j))) finish(false);
  };
  const timer = setTimeout(() => finish(true), graceMs);
  for (const j of running) unfollow.push(j.events.follow(j.events.lastEvent?.id ?? 0, check));
  check();
}
