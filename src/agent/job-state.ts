// A job's states and the moves between them, as a table (contract: docs/contracts.md JobStatus).
// This list is the one the gateway's schema and the console read.
// The run report's outcome decides the final state; a cancel request changes how a rollback reads.
import type { RunReport } from '../plan/execute.js';

// `cleanup`: the data is switched (the job's last commit step landed) and only cleanup steps — wipe
// and delete of old files — remain; the job then holds nothing but those files.
export const JOB_STATES = ['queued', 'running', 'cleanup', 'cancelling', 'done', 'failed', 'rolled-back', 'cancelled'] as const;
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

const CANCEL_CODES = new Set(['E_AGENT_CANCELLED', 'E_CANCELLED']);

/** The state a finished run ends in. A cancelled job that still committed (a pivot happened) is done or failed. */
export function finalState(report: RunReport, cancelRequested: boolean): JobState {
  switch (report.outcome) {
    case 'done':
    case 'done-with-orphans':
      return 'done';
    case 'rolled-back':
      // The agent's own abort, or the engine's (an offline copy stops with E_CANCELLED), both mean the cancel took.
      return cancelRequested && CANCEL_CODES.has(report.failure?.code ?? '') ? 'cancelled' : 'rolled-back';
    case 'partial':
      return 'failed';
  }
}
