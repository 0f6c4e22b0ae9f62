// Runs one live step against its VM: the commands and waits of the shared step → QMP map
// (src/plan/qmp-map.ts), the same script the simulator runs, so both issue the same commands.
// Waits follow JOB_STATUS_CHANGE events; while a job copies, its progress is polled for watchers.
import { VdiskError } from '../../errors/vdisk-error.js';
import type { ActionCall } from '../../plan/actions.js';
import { qmpScript, type QmpAwait } from '../../plan/qmp-map.js';
import type { QmpClient } from '../../qmp/client.js';
import { waitForJobStatus } from '../../qmp/job-wait.js';
import { queryJobs } from '../../qmp/jobs.js';
import { assertVerb } from '../../qmp/job-states.js';
import { classifyQmpError } from './qmp-classify.js';
import { fileNamed } from './qmp-files.js';
import { alreadyDone } from './qmp-resume.js';

export interface QmpStepOptions {
  /** The step was in flight when the agent stopped: skip what QEMU shows as done. */
  resumed: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Fraction of the awaited job's work done (current-progress / total-progress). */
  onProgress?: (fraction: number) => void;
  /** Checks a file name right before QEMU is sent it (qmp-files.ts); absent only in protocol tests. */
  checkFile?: (path: string, creates: boolean) => Promise<void>;
}

const POLL_MS = 250;

export async function runQmpStep(qmp: QmpClient, call: ActionCall, opts: QmpStepOptions): Promise<void> {
  const script = qmpScript(call);
  for (let i = 0; i < script.length; i++) {
    const op = script[i]!;
    if (opts.resumed && (await alreadyDone(qmp, script, i))) continue;
    if (op.op === 'await') {
      await awaitJob(qmp, op, opts);
      continue;
    }
    if (op.execute === 'job-complete') await assertReady(qmp, String(op.arguments.id));
    const file = fileNamed(op);
    if (file && opts.checkFile) await opts.checkFile(file.path, file.creates);
    try {
      await qmp.execute(op.execute, op.arguments);
    } catch (e) {
      const kind = classifyQmpError(e);
      if (kind !== 'generic' && op.tolerate?.includes(kind)) continue;
      throw e;
    }
  }
}

/** A pivot is sent only to a READY job: anything else is E_PLAN_PIVOT_BEFORE_READY, and QEMU is not asked. */
async function assertReady(qmp: QmpClient, job: string): Promise<void> {
  const j = (await queryJobs(qmp)).find((x) => x.id === job);
  if (j) assertVerb('complete', j.status, job);
}

async function awaitJob(qmp: QmpClient, op: QmpAwait, opts: QmpStepOptions): Promise<void> {
  const wait = waitForJobStatus(qmp, op.job, op.status, { timeoutMs: opts.timeoutMs });
  const poll = opts.onProgress ? setInterval(() => void report(qmp, op.job, opts.onProgress!), POLL_MS) : undefined;
  try {
    await raceAbort(wait, opts.signal);
  } catch (e) {
    if (op.tolerate?.includes('not-found') && (e as { code?: string }).code === 'E_QMP_JOB_MISSING') return;
    throw e;
  } finally {
    clearInterval(poll);
  }
  if (opts.onProgress) await report(qmp, op.job, opts.onProgress);
}

async function report(qmp: QmpClient, job: string, onProgress: (f: number) => void): Promise<void> {
  const j = (await queryJobs(qmp).catch(() => [])).find((x) => x.id === job);
  if (j && j['total-progress'] > 0) onProgress(Math.min(1, j['current-progress'] / j['total-progress']));
}

/** Rejects with the abort reason as soon as `signal` fires; the abandoned wait is left to time out quietly. */
export function raceAbort<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  p.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () =>
      reject(
        signal.reason instanceof VdiskError
          ? signal.reason
          : new VdiskError('E_AGENT_CANCELLED', 'the job was cancelled'),
      );
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
