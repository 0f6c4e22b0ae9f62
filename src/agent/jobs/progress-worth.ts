// Progress events are kept for the job's life (memory, and the event file on disk) and sent to every
// watcher, so their number must not grow with the copy's size: a copy reports every chunk, and a
// 1 TiB copy made ~350,000 events. One is said when the step changes, when the job or the step
// reaches its end, or when either moved by a visible amount: at most ~1000 per job plus ~200 per
// step, whatever the size. By amount, not by time, so what a watcher sees does not depend on the machine.
const JOB_STEP = 0.001;
const STEP_STEP = 0.005;

export interface SaidProgress {
  progress: number;
  step?: string;
  stepProgress?: number;
}

export function progressWorthSaying(
  said: SaidProgress | undefined,
  progress: number,
  step: string | undefined,
  stepProgress: number | undefined,
): boolean {
  if (!said || said.step !== step) return true;
  if (progress - said.progress >= JOB_STEP) return true;
  if (progress >= 1 && said.progress < 1) return true;
  if (stepProgress === undefined) return false;
  const before = said.stepProgress ?? 0;
  if (stepProgress >= 1) return before < 1;
  return stepProgress - before >= STEP_STEP;
}
