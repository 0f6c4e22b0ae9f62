// QEMU's job state machine and the verbs a client may apply in each state, as tables.
// Source: QEMU job.c (JobSTT and JobVerbTable) as of 7.2, where `complete` is also allowed in
// standby (a paused ready mirror) since 6.0. Planner, simulator and agent all read these tables;
// nothing else in vdisk decides whether a job verb is legal.
import { VdiskError } from '../errors/vdisk-error.js';

export const JOB_STATUSES = [
  'created',
  'running',
  'paused',
  'ready',
  'standby',
  'waiting',
  'pending',
  'aborting',
  'concluded',
  'null',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const JOB_VERBS = ['cancel', 'pause', 'resume', 'complete', 'finalize', 'dismiss'] as const;
export type JobVerb = (typeof JOB_VERBS)[number];

/** Which status may follow which (JobSTT). `null` is final: the job is gone. */
export const JOB_TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
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

/** In which statuses each verb is accepted (JobVerbTable). */
export const JOB_VERB_STATUSES: Readonly<Record<JobVerb, readonly JobStatus[]>> = {
  cancel: ['created', 'running', 'paused', 'ready', 'standby', 'waiting', 'pending'],
  pause: ['created', 'running', 'paused', 'ready', 'standby'],
  resume: ['created', 'running', 'paused', 'ready', 'standby'],
  complete: ['ready', 'standby'],
  finalize: ['pending'],
  dismiss: ['concluded'],
};

/** The QMP command that applies each verb through the generic job interface. */
export const JOB_VERB_COMMAND: Readonly<Record<JobVerb, string>> = {
  cancel: 'job-cancel',
  pause: 'job-pause',
  resume: 'job-resume',
  complete: 'job-complete',
  finalize: 'job-finalize',
  dismiss: 'job-dismiss',
};

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return JOB_TRANSITIONS[from].includes(to);
}

export function verbAllowed(verb: JobVerb, status: JobStatus): boolean {
  return JOB_VERB_STATUSES[verb].includes(status);
}

/** Throws the stable code an executor reports when a verb is applied in the wrong state. */
export function assertVerb(verb: JobVerb, status: JobStatus, jobId: string): void {
  if (verbAllowed(verb, status)) return;
  const code = verb === 'complete' ? 'E_PLAN_PIVOT_BEFORE_READY' : 'E_JOB_VERB_REFUSED';
  throw new VdiskError(code, `job '${jobId}' in state ${status} does not accept ${verb}`, {
    field: 'job',
    value: status,
    job: jobId,
    verb,
  });
}

export function assertTransition(from: JobStatus, to: JobStatus, jobId: string): void {
  if (canTransition(from, to)) return;
  throw new VdiskError('E_JOB_BAD_TRANSITION', `job '${jobId}' cannot go from ${from} to ${to}`, {
    field: 'job',
    value: `${from}->${to}`,
    job: jobId,
  });
}
