// One job: a plan this agent runs, its state, progress and event stream, and how it looks on the
// wire (JobStatus, docs/contracts.md).
import { NO_CALLER } from '../../auth/caller.js';
import type { RunReport } from '../../plan/execute.js';
import type { Plan } from '../../plan/plan-schema.js';
import { JobEvents } from './job-events.js';
import { JOB_STATE_NEXT, type JobState } from './job-state.js';
import type { StepError } from './journal.js';

export interface JobStatus {
  id: string;
  planId: string;
  kind: string;
  state: JobState;
  progress: number;
  step?: string;
  report?: RunReport;
  error?: { code: string; message: string };
  createdAt: string;
  updatedAt: string;
  /** The caller (gateway token name, `-` when none was sent) that started the job. */
  startedBy: string;
  /** What the job does, in words, and the request it was planned from (which volume, pool, VM): consoles filter by them. */
  summary?: string;
  request?: Plan['request'];
}

export class Job {
  state: JobState = 'queued';
  progress = 0;
  step?: string;
  report?: RunReport;
  error?: StepError;
  updatedAt: string;
  readonly abort = new AbortController();
  cancelRequested = false;
  /** Resolves when the job has ended. */
  readonly ended: Promise<void>;
  private markEnded!: () => void;

  constructor(
    readonly id: string,
    readonly plan: Plan,
    readonly createdAt: string,
    readonly key?: string,
    readonly bodyHash?: string,
    readonly startedBy = NO_CALLER,
    /** Its event stream; the agent's carries on from the events written before a restart. */
    readonly events = new JobEvents(),
  ) {
    this.updatedAt = createdAt;
    this.ended = new Promise((r) => (this.markEnded = r));
  }

  /** Moves along the job state table; a move the table does not allow is a bug and is ignored. */
  moveTo(next: JobState): void {
    if (next === this.state || !JOB_STATE_NEXT[this.state].includes(next)) return;
    this.state = next;
    this.touch();
    this.events.emit('state', { state: next });
    if (JOB_STATE_NEXT[next].length === 0) {
      this.events.emit('end', { state: next, report: this.report, error: this.error });
      this.markEnded();
    }
  }

  /** A job the journal shows as ended before a restart: its final state, and its last two events unless they were kept. */
  restoreEnded(state: JobState, report?: RunReport, error?: StepError, endedAt?: string): void {
    Object.assign(this, {
      state,
      report,
      error,
      progress: report?.progress ?? 0,
      updatedAt: endedAt ?? this.updatedAt,
    });
    if (this.events.lastEvent?.event !== 'end') {
      this.events.emit('state', { state });
      this.events.emit('end', { state, report, error });
    }
    this.markEnded();
  }

  touch(): void {
    this.updatedAt = new Date().toISOString();
  }

  status(): JobStatus {
    return {
      id: this.id,
      planId: this.plan.id,
      kind: this.plan.kind,
      state: this.state,
      progress: this.progress,
      ...(this.step ? { step: this.step } : {}),
      ...(this.report ? { report: this.report } : {}),
      ...(this.error ? { error: this.error } : {}),
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
      startedBy: this.startedBy,
      ...(this.plan.summary ? { summary: this.plan.summary } : {}),
      ...(this.plan.request ? { request: this.plan.request } : {}),
    };
  }
}
