// A vdisk job's states and the moves between them, as a table (contract: docs/contracts.md JobStatus).
// The one list: the agent runs jobs by it, the gateway's schema and the console read it.
// (QEMU's own block-job states are another machine: src/qmp/job-states.ts.)

// `cleanup`: the data is switched (the job's last commit step landed) and only cleanup steps — wipe
// and delete of old files — remain; the job then holds nothing but those files.
export const JOB_STATES = [
  'queued',
  'running',
  'cleanup',
  'cancelling',
  'done',
  'failed',
  'rolled-back',
  'cancelled',
] as const;
export type JobState = (typeof JOB_STATES)[number];

export const JOB_STATE_NEXT: Readonly<Record<JobState, readonly JobState[]>> = {
  queued: ['running', 'cancelling', 'failed'],
  running: ['cleanup', 'cancelling', 'done', 'failed', 'rolled-back'],
  cleanup: ['done', 'failed'],
  cancelling: ['cancelled', 'done', 'failed', 'rolled-back'],
  done: [],
  failed: [],
  'rolled-back': [],
  cancelled: [],
};

export const isFinal = (s: JobState): boolean => JOB_STATE_NEXT[s].length === 0;

/** The states a job ends in, for readers that hold a state as a plain string. */
export const FINAL_STATES: ReadonlySet<string> = new Set(JOB_STATES.filter(isFinal));
