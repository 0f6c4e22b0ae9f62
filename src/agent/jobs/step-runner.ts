// The agent's StepRunner for runPlan (src/plan/execute.ts): journals each call's start and end
// (fsync'd before acting), replays journaled outcomes after a restart so runPlan takes the same path
// again, re-runs the call that was in flight idempotently, and sends each call to QEMU, the engine
// or the inventory store by its action's layer (src/plan/action-traits.ts).
import { isVdiskError, VdiskError } from '../../errors/vdisk-error.js';
import { ACTION_TRAITS } from '../../plan/action-traits.js';
import type { ActionCall } from '../../plan/actions.js';
import type { StepRunner } from '../../plan/execute.js';
import type { Step } from '../../plan/plan-schema.js';
import type { AgentContext } from '../context.js';
import { runFileStep } from '../storage/file-steps.js';
import { checkNameForQemu } from '../vm/qmp-files.js';
import { applyOps } from '../storage/inventory-apply.js';
import { renameVolumes } from '../storage/rename-volumes.js';
import { now, type StepError } from './journal.js';
import { publicStepError } from '../public-error.js';
import { runQmpStep } from '../vm/qmp-step.js';

export interface RunnerHooks {
  jobId: string;
  /** Outcomes journaled before a restart, by call key. */
  replay: Map<string, { ok: boolean; error?: StepError }>;
  /** Calls that had started but not ended when the agent stopped. */
  inFlight: Set<string>;
  /** Fires on cancel: prepare steps stop, compensation runs. */
  signal: AbortSignal;
  onCall(event: {
    key: string;
    step: Step;
    call: ActionCall;
    undo: boolean;
    phase: 'start' | 'end';
    error?: StepError;
  }): void;
  onProgress(step: Step, fraction: number): void;
  /** Containment of one call, checked just before it runs (src/agent/storage/containment.ts). */
  contain(call: ActionCall): void;
}

export const callKey = (step: Step, call: ActionCall, undo: boolean): string =>
  undo ? `${step.id}/undo/${step.undo.indexOf(call)}` : step.id;

export function agentRunner(ctx: AgentContext, h: RunnerHooks): StepRunner {
  return async (call, { step, undo }) => {
    const key = callKey(step, call, undo);
    const past = h.replay.get(key);
    if (past) {
      if (past.ok) return;
      throw new VdiskError(
        past.error?.code ?? 'E_PLAN_STEP_FAILED',
        past.error?.message ?? 'failed before the restart',
      );
    }
    const cancellable = !undo && step.phase === 'prepare';
    ctx.journal.append({ t: 'step-start', job: h.jobId, call: key, action: call.action, at: now() });
    h.onCall({ key, step, call, undo, phase: 'start' });
    try {
      if (cancellable && h.signal.aborted) throw new VdiskError('E_AGENT_CANCELLED', 'the job was cancelled');
      h.contain(call);
      await ctx.stepHooks?.beforeCall?.(call);
      await execute(ctx, call, {
        job: h.jobId,
        call: key,
        marker: `${h.jobId}:${key}`,
        resumed: h.inFlight.has(key),
        signal: cancellable ? h.signal : undefined,
        onProgress: (f) => h.onProgress(step, f),
      }).finally(() => ctx.inventory.invalidate()); // files, records or a VM's graph may have changed: the next read refreshes
    } catch (e) {
      // Callers (status, report, events, the journal) get the public error; the log keeps the rest.
      const error = publicStepError(e, ctx.roots);
      const raw = describe(e);
      if (raw.message !== error.message) ctx.log('step-error-detail', { job: h.jobId, call: key, ...raw });
      ctx.journal.append({ t: 'step-end', job: h.jobId, call: key, ok: false, error, at: now() });
      h.onCall({ key, step, call, undo, phase: 'end', error });
      throw isVdiskError(e) && e.message === error.message ? e : new VdiskError(error.code, error.message);
    }
    ctx.journal.append({ t: 'step-end', job: h.jobId, call: key, ok: true, at: now() });
    await ctx.stepHooks?.afterCall?.(call);
    h.onCall({ key, step, call, undo, phase: 'end' });
  };
}

interface ExecOptions {
  job: string;
  call: string;
  marker: string;
  resumed: boolean;
  signal?: AbortSignal;
  onProgress: (f: number) => void;
}

async function execute(ctx: AgentContext, call: ActionCall, o: ExecOptions): Promise<void> {
  if (call.action === 'rename-volumes') return renameVolumes(ctx, call.params.moves, o);
  switch (ACTION_TRAITS[call.action].layer) {
    case 'qmp': {
      const qmp = await ctx.vms.session((call.params as { vm: string }).vm);
      return runQmpStep(qmp, call, {
        resumed: o.resumed,
        timeoutMs: ctx.timeouts.jobMs,
        signal: o.signal,
        onProgress: o.onProgress,
        checkFile: (path, creates) => checkNameForQemu(ctx.files, path, creates),
      });
    }
    case 'inventory':
      return applyOps(ctx, (call as Extract<ActionCall, { action: 'inventory-update' }>).params.ops, o.marker);
    case 'file':
      return runFileStep(ctx, call as Parameters<typeof runFileStep>[1], {
        signal: o.signal,
        onProgress: o.onProgress,
        record: (c) =>
          applyOps(
            ctx,
            c.action === 'create-volume'
              ? [{ op: 'add-volume', volume: c.params.volume }]
              : [{ op: 'forget-volume', volume: (c.params as { volume: string }).volume }],
            `${o.marker}:record`,
          ),
      });
  }
}

export function describe(e: unknown): StepError {
  const x = e as { code?: unknown; message?: unknown };
  return {
    code: typeof x?.code === 'string' ? x.code : 'E_PLAN_STEP_FAILED',
    message: typeof x?.message === 'string' ? x.message : String(e),
  };
}
