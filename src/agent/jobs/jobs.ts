// Jobs on this agent: submission (idempotency key, checks, busy table, journal), cancel, recovery of
// every plan the journal shows unfinished (what to replay: recovery.ts), the switch to cleanup and the
// end of a job. Running a plan with the agent's StepRunner is run-job.ts.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { NO_CALLER } from '../../auth/caller.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import type { Plan } from '../../plan/plan-schema.js';
import { BusyTable } from './busy.js';
import { DEFAULT_LIMITS } from '../config.js';
import { IdempotencyKeys } from './idempotency.js';
import type { AgentContext } from '../context.js';
import { buildInventory } from '../storage/inventory.js';
import { EventLog } from './event-log.js';
import { JobEvents } from './job-events.js';
import { Job } from './job.js';
import { JobHistory, jobFromStatus } from './job-history.js';
import { pageJobs, type JobPage } from './job-list.js';
import { compactionDue, compactJournal, jobsToMove, type AfterStep, type KeepPolicy } from './journal-compact.js';
import type { finalState } from './job-state.js';
import { now } from './journal.js';
import { noteJobEnd, seedFromJournal } from './orphans.js';
import { checkPlanShape, checkPreconditions } from './plan-guard.js';
import { filesAfter, planScope } from './plan-scope.js';
import { vouchedPlan } from './plan-vouch.js';
import { containPlan } from '../storage/containment.js';
import { describe } from './step-runner.js';
import { recordsByJob, resumePoint } from './recovery.js';
import { type Replay, runJob } from './run-job.js';

export interface Submitted {
  job: Job;
  created: boolean;
}

/** Finished jobs kept in the journal (--keep-jobs, --keep-jobs-days). */
export const DEFAULT_KEEP: KeepPolicy = {
  keepJobs: DEFAULT_LIMITS.keepJobs,
  keepMs: DEFAULT_LIMITS.keepJobsDays * 86_400_000,
};

export class JobManager {
  readonly jobs = new Map<string, Job>();
  /** Idempotency keys per caller → their job (src/agent/jobs/idempotency.ts). */
  private readonly keys = new IdempotencyKeys<Job>();
  /** Which job holds which VM, volume and file (public for tests and diagnostics). */
  readonly busy = new BusyTable();

  /** Finished jobs compacted out of the journal (src/agent/jobs/journal-compact.ts). */
  readonly history: JobHistory;
  /** Every job's events, written down so their ids survive a restart (src/agent/jobs/event-log.ts). */
  readonly eventLog: EventLog;

  constructor(
    private readonly ctx: AgentContext,
    private readonly keep: KeepPolicy = DEFAULT_KEEP,
  ) {
    this.history = new JobHistory(join(ctx.stateDir, 'history.jsonl'));
    this.eventLog = new EventLog(join(ctx.stateDir, 'events'));
  }

  /** A job's event stream: the events written before a restart, then new ones written as they come. */
  private events(id: string): JobEvents {
    const sink = this.eventLog.sink(id, (message) => this.ctx.log('event-log-error', { job: id, message }));
    const onError = (code: string, message: string) => this.ctx.log('event-log-error', { job: id, code, message });
    return new JobEvents(sink, this.eventLog.load(id, onError));
  }

  /** A job in memory, or a finished one from the history file. */
  get(id: string): Job {
    const past = this.jobs.has(id) ? undefined : this.history.get(id);
    const job = this.jobs.get(id) ?? (past && jobFromStatus(past, this.history.plan(id)));
    if (!job) throw new VdiskError('E_AGENT_UNKNOWN_JOB', `no job '${id}'`, { field: 'id', value: id });
    return job;
  }

  /**
   * Same caller, key and body → the same job; same caller and key, other body → E_IDEMPOTENCY_MISMATCH.
   * The key is claimed before anything is awaited; a refused submission frees it again.
   */
  async submit(body: unknown, key: string, bodyHash: string, caller = NO_CALLER): Promise<Submitted> {
    const claim = this.keys.claim(caller, key, bodyHash);
    if (claim.kind === 'taken') return { job: await claim.outcome, created: false };
    return { job: await claim.settle(this.start(body, key, bodyHash, caller)), created: true };
  }

  private async start(body: unknown, key: string, bodyHash: string, caller: string): Promise<Job> {
    const plan = await vouchedPlan(this.ctx, body, (id) => this.get(id));
    const id = `job-${randomBytes(6).toString('hex')}`;
    this.busy.acquire(id, planScope(plan));
    try {
      const { inventory } = await buildInventory(this.ctx);
      containPlan(this.ctx.roots, plan, inventory, this.ctx.allowOwnerRoot);
      checkPreconditions(plan, inventory);
    } catch (e) {
      this.busy.release(id);
      throw e;
    }
    const job = new Job(id, plan, now(), key, bodyHash, caller, this.events(id));
    this.ctx.journal.append({ t: 'job', job: id, plan, key, bodyHash, caller, at: job.createdAt });
    this.track(job);
    this.ctx.log('job-submitted', { job: id, plan: plan.id, kind: plan.kind, caller });
    void this.run(job, new Map(), new Set());
    return job;
  }

  cancel(id: string): Job {
    const job = this.get(id);
    if (job.state === 'queued' || job.state === 'running') {
      job.cancelRequested = true;
      this.ctx.journal.append({ t: 'cancel', job: id, at: now() });
      job.moveTo('cancelling');
      job.abort.abort(new VdiskError('E_AGENT_CANCELLED', 'the job was cancelled'));
      this.ctx.log('job-cancel', { job: id });
    }
    return job;
  }

  /** One page of jobs, newest first (src/agent/jobs/job-list.ts), from memory and the history file. */
  page(limit: number, after?: { createdAt: string; id: string }): JobPage {
    return pageJobs(this.jobs.values(), this.history, limit, after);
  }

  /** Moves finished jobs beyond the keep policy to the history file; `after` is a test hook. */
  compact(after?: AfterStep): void {
    const moved = jobsToMove(this.jobs.values(), this.keep, Date.now());
    compactJournal(this.ctx.journal, this.history, moved, after);
    for (const job of moved) {
      this.jobs.delete(job.id);
      this.eventLog.remove(job.id);
      if (job.key) this.keys.forget(job.startedBy, job.key);
    }
    if (moved.length) this.ctx.log('journal-compacted', { moved: moved.length, kept: this.jobs.size });
  }

  /**
   * Reads the journal and runs every unfinished plan again: finished calls replay, the one in flight
   * re-runs. `run: false` (a test hook) only loads the jobs, as a crash right after reading would.
   */
  recover(run = true): Job[] {
    const recs = this.ctx.journal.records;
    seedFromJournal(this.ctx, recs);
    const byJob = recordsByJob(recs);
    const resumed: Job[] = [];
    for (const r of recs) {
      if (r.t !== 'job') continue;
      const job = new Job(r.job, r.plan, r.at, r.key, r.bodyHash, r.caller ?? NO_CALLER, this.events(r.job));
      const mine = byJob.get(r.job)!;
      const end = mine.find((x) => x.t === 'end');
      this.track(job);
      if (end && end.t === 'end') {
        job.restoreEnded(end.state, end.report, end.error, end.at);
        continue;
      }
      if (!run) {
        resumed.push(job);
        continue;
      }
      const { replay, inFlight, cancelled } = resumePoint(mine);
      job.cancelRequested = cancelled;
      if (job.cancelRequested) job.abort.abort();
      if (this.refusedAtRecovery(job)) continue;
      this.busy.acquire(job.id, planScope(job.plan));
      this.ctx.journal.append({ t: 'resume', job: job.id, at: now() });
      this.ctx.log('job-resume', { job: job.id, replayed: replay.size, inFlight: [...inFlight] });
      void this.run(job, replay, inFlight);
      resumed.push(job);
    }
    return resumed;
  }

  /** A journal's plan passes the same shape and containment checks as a submitted one; a failing one ends failed, unrun. */
  private refusedAtRecovery(job: Job): boolean {
    try {
      checkPlanShape(this.ctx, job.plan);
      return false;
    } catch (e) {
      job.error = describe(e);
      this.ctx.log('job-refused-at-recovery', { job: job.id, error: job.error });
      this.finish(job, 'failed');
      return true;
    }
  }

  private run(job: Job, replay: Replay, inFlight: Set<string>): Promise<void> {
    return runJob(this.ctx, job, replay, inFlight, {
      switched: (j, index) => this.switched(j, index),
      finish: (j, state) => this.finish(j, state),
    });
  }

  private track(job: Job): void {
    this.jobs.set(job.id, job);
    if (job.key && job.bodyHash) this.keys.bind(job.startedBy, job.key, job.bodyHash, job);
  }

  /**
   * The data is switched (the plan's last commit step landed, only cleanup remains): say so, and let
   * go of the VM and the volumes, keeping only the old files the cleanup wipes and deletes, so the
   * moved volume can take a new plan while a long wipe runs.
   */
  private switched(job: Job, index: number): void {
    if (job.state !== 'running') return;
    this.busy.narrow(job.id, filesAfter(job.plan, index));
    job.moveTo('cleanup');
    job.events.emit('switched', { step: job.plan.steps[index]!.id });
    this.ctx.log('job-switched', { job: job.id, step: job.plan.steps[index]!.id });
  }

  private finish(job: Job, state: ReturnType<typeof finalState>): void {
    job.step = undefined;
    try {
      noteJobEnd(this.ctx, job.id, job.report); // before the end is journaled: a crash between re-runs the job
    } catch (e) {
      this.ctx.log('orphans-error', { job: job.id, message: (e as Error).message });
    }
    try {
      this.ctx.journal.append({ t: 'end', job: job.id, state, report: job.report, error: job.error, at: now() });
    } catch (e) {
      this.ctx.log('journal-error', { job: job.id, message: (e as Error).message });
    }
    this.busy.release(job.id);
    this.ctx.log('job-end', { job: job.id, state, outcome: job.report?.outcome, error: job.error });
    job.moveTo(state);
    if (!compactionDue(this.jobs.values(), this.keep, Date.now())) return;
    try {
      this.compact();
    } catch (e) {
      this.ctx.log('journal-error', { message: (e as Error).message });
    }
  }
}

export type { Plan };
