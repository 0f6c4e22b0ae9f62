// A job's states and the moves between them, as a table (contract: docs/contracts.md JobStatus).
// The list itself is src/plan/job-lifecycle.ts, which the gateway's schema and the console read too.
// The run report's outcome decides the final state; a cancel request changes how a rollback reads.
import type { RunReport } from '../../plan/execute.js';

export { JOB_STATES, JOB_STATE_NEXT, isFinal, type JobState } from '../../plan/job-lifecycle.js';
import type { JobState } from '../../plan/job-lifecycle.js';

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
