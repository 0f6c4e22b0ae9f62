// Replays a QMP session recorded from real QEMU (test/fixtures/qmp/*.jsonl) against the simulator's
// QEMU model, command by command: each recorded command is applied to the model (qmpCommand), the
// model's acceptance or refusal is compared with QEMU's reply, the model's job events with the events
// QEMU sent, and its state with QEMU's answers to queries. qmpScript is never run: the commands come
// from the recording. The agent's file steps (copies, creates, deletes) are applied to the simulated
// files where the recording says they ran, so the model sees the files QEMU saw. Replay stops at the
// first divergence and says what differed.
import { ACTION_TRAITS } from '../../../src/plan/action-traits.js';
import type { ActionCall } from '../../../src/plan/actions.js';
import { applyInventoryOps, cloneInventory } from '../../../src/plan/apply-inventory-ops.js';
import { counterIds } from '../../../src/plan/ids.js';
import type { Inventory } from '../../../src/plan/inventory.js';
import type { JobStatus } from '../../../src/qmp/job-states.js';
import { planRequest } from '../../../src/plan/plan.js';
import type { Plan } from '../../../src/plan/plan-schema.js';
import { awaitJob } from '../../../src/plan/sim/await-job.js';
import { eventsSince, type SimEvent } from '../../../src/plan/sim/events.js';
import { fileAction } from '../../../src/plan/sim/file-actions.js';
import { worldFromInventory } from '../../../src/plan/sim/from-inventory.js';
import { qmpCommand } from '../../../src/plan/sim/qemu.js';
import { READ_ONLY } from '../../../src/plan/sim/read-only.js';
import { SimError, type SimJob, type SimQemu, type SimWorld } from '../../../src/plan/sim/world.js';
import { compareQuery, isQuery } from './queries.js';

export type Line = Record<string, unknown> & { type: string };
type Obj = Record<string, unknown>;

/** Commands outside the model: connection setup, and guest writes through HMP (data is not modelled). */
const UNMODELLED = new Set(['qmp_capabilities', 'human-monitor-command']);
/** A job event's own status, for events QEMU sends without a JOB_STATUS_CHANGE of the same name. */
const EVENT_STATUS: Record<string, JobStatus> = {
  BLOCK_JOB_READY: 'ready',
  BLOCK_JOB_PENDING: 'pending',
  BLOCK_JOB_COMPLETED: 'concluded',
  BLOCK_JOB_CANCELLED: 'concluded',
};

class Divergence extends Error {}

export interface ReplayOptions {
  rules?: SimWorld['rules'];
}

/** Replays `lines` (one recording); returns the first divergence, or undefined when the model agrees throughout. */
export function replay(lines: Line[], opts: ReplayOptions = {}): string | undefined {
  const first = lines.find((l) => l.type === 'run');
  if (!first) return 'the recording holds no run';
  const w = worldFromInventory(first.inventory as Inventory);
  if (opts.rules) w.rules = opts.rules;
  const q = w.qemu.get('vm1')!;
  const s = new State(w, q);
  for (const [i, line] of lines.entries()) {
    try {
      s.take(line);
    } catch (e) {
      if (!(e instanceof Divergence)) throw e;
      return `line ${i + 1} (${line.type}${line.execute ? ` ${String(line.execute)}` : ''}${line.event ? ` ${String(line.event)}` : ''}): ${e.message}`;
    }
  }
  s.flush();
  const left = [...s.queued].filter(([, evs]) => evs.length);
  return left.length ? `at the end: the model emitted events QEMU never sent: ${JSON.stringify(left)}` : undefined;
}

class State {
  plan: Plan | undefined;
  /** Commands sent whose replies have not come yet, in order (QEMU answers in order). */
  readonly sent: { execute: string; refused?: SimError }[] = [];
  /** Per job id: events the model emitted that QEMU has not sent yet. */
  readonly queued = new Map<string, SimEvent[]>();
  /** Per job: how much of its trail has been queued. */
  readonly trails = new Map<SimJob, number>();
  /** Per job id: the last status QEMU announced. */
  readonly seen = new Map<string, string>();
  readonly stepErrors = new Map<string, string>();
  /** Per job id: the status a paused job returns to. */
  readonly paused = new Map<string, string>();

  constructor(
    readonly w: SimWorld,
    readonly q: SimQemu,
  ) {}

  take(l: Line): void {
    if (l.type === 'run') return this.run(l);
    if (l.type === 'step') return this.step(l);
    if (l.type === 'command') return this.command(String(l.execute), (l.arguments ?? {}) as Obj);
    if (l.type === 'return' || l.type === 'error') return this.reply(l);
    if (l.type === 'event') return this.event(String(l.event), (l.data ?? {}) as Obj);
  }

  /** A plan submitted: the planner must still make it from the recorded request and inventory. */
  run(l: Line): void {
    const inv = l.inventory as Inventory;
    const plan = planRequest(l.request, inv, counterIds(String(l.prefix)));
    // The facts digest hashes the real paths the recording normalised away, so it cannot match here.
    const bare = (p: unknown) => JSON.stringify({ ...(p as object), facts: undefined });
    if (bare(plan) !== bare(l.plan))
      throw new Divergence('the planner now makes another plan from this request: re-record (npm run record-qmp)');
    this.plan = plan;
    this.w.inv = cloneInventory(inv);
    // Files the test made between runs (a pre-created target) appear in the inventory.
    const fresh = worldFromInventory(inv);
    for (const [path, f] of fresh.files) if (!this.w.files.has(path)) this.w.files.set(path, f);
  }

  /** A step started: its file-level effect is applied; QMP steps' commands follow in the recording. */
  step(l: Line): void {
    const key = String(l.call);
    const call = this.callOf(key);
    if (call.action !== l.action)
      throw new Divergence(`step ${key} is ${call.action} in the plan, ${String(l.action)} in the recording`);
    const layer = ACTION_TRAITS[call.action].layer;
    if (l.phase === 'end') {
      const model = this.stepErrors.get(key);
      if (layer !== 'qmp' && Boolean(model) !== Boolean(l.error)) {
        throw new Divergence(
          `file step ${key} ${l.error ? `failed on the host (${JSON.stringify(l.error)})` : 'succeeded on the host'} but ${model ? `failed in the model: ${model}` : 'succeeded in the model'}`,
        );
      }
      return;
    }
    if (layer === 'qmp') return;
    try {
      if (call.action === 'inventory-update') this.w.inv = applyInventoryOps(this.w.inv, call.params.ops);
      else fileAction(this.w, call as Parameters<typeof fileAction>[1], false);
    } catch (e) {
      this.stepErrors.set(key, (e as Error).message);
    }
  }

  callOf(key: string): ActionCall {
    const [id, undo, index] = key.split('/');
    const step = this.plan?.steps.find((x) => x.id === id);
    if (!step) throw new Divergence(`step ${key} is not in the plan`);
    return (undo === 'undo' ? step.undo[Number(index)] : { action: step.action, params: step.params }) as ActionCall;
  }

  command(execute: string, args: Obj): void {
    if (isQuery(execute) || UNMODELLED.has(execute)) {
      this.sent.push({ execute });
      return;
    }
    try {
      qmpCommand(this.w, 'vm1', this.q, execute, args);
      this.sent.push({ execute });
    } catch (e) {
      if (!(e instanceof SimError)) throw e;
      this.sent.push({ execute, refused: e });
    }
    this.flush();
  }

  reply(l: Line): void {
    const cmd = this.sent.shift();
    if (!cmd || cmd.execute !== l.execute)
      throw new Divergence(`a reply to ${String(l.execute)} while ${cmd?.execute ?? 'nothing'} was sent`);
    if (l.type === 'error') {
      if (!cmd.refused)
        throw new Divergence(`QEMU refused it (${String(l.class)}: ${String(l.desc)}), the model accepted it`);
      if (cmd.refused.message.startsWith(READ_ONLY) && !String(l.desc).includes(READ_ONLY)) {
        throw new Divergence(`the model refused it as read-only, QEMU for another reason: ${String(l.desc)}`);
      }
      return;
    }
    if (cmd.refused) throw new Divergence(`QEMU accepted it, the model refused it: ${cmd.refused.message}`);
    if (cmd.execute === 'human-monitor-command' && l.return !== '')
      throw new Divergence(`the guest write failed: ${JSON.stringify(l.return)}`);
    const diff = compareQuery(cmd.execute, l.return, this.q, this.seen);
    if (diff.length) throw new Divergence(diff.join('; '));
  }

  /** A job event from QEMU: the next one the model emitted for that job, or a step the job takes on its own. */
  event(name: string, data: Obj): void {
    const status = name === 'JOB_STATUS_CHANGE' ? (data.status as JobStatus) : EVENT_STATUS[name];
    if (!status) throw new Divergence(`QEMU sent ${name}, which the model does not emit`);
    const id = String(data.id ?? data.device);
    if (this.pause(id, status)) return;
    if (!this.queued.get(id)?.length) this.advance(id, status);
    const next = this.queued.get(id)!.shift()!;
    const real = { event: name, data: name === 'JOB_STATUS_CHANGE' ? { id, status } : modelled(data) };
    if (JSON.stringify(sortKeys(real)) !== JSON.stringify(sortKeys(next))) {
      throw new Divergence(
        `QEMU sent ${JSON.stringify(real)}, the model's next event for ${id} is ${JSON.stringify(next)}`,
      );
    }
    if (name === 'JOB_STATUS_CHANGE') this.seen.set(id, status);
  }

  /**
   * A drained section (a graph change such as a transaction) pauses every job and resumes it: ready
   * → standby → ready, running → paused → running, as often as QEMU drains. The model holds no
   * pauses, so a pause and the resume to the status the job had are matched with each other.
   */
  pause(id: string, status: JobStatus): boolean {
    const before = this.paused.get(id);
    if (before !== undefined) {
      if (status !== before) throw new Divergence(`QEMU's job ${id} left its pause for ${status}, not ${before}`);
      this.paused.delete(id);
      return true;
    }
    if (status !== 'standby' && status !== 'paused') return false;
    const now = this.seen.get(id);
    if (now !== (status === 'standby' ? 'ready' : 'running'))
      throw new Divergence(`QEMU's job ${id} became ${status} from ${now ?? 'nothing'}`);
    this.paused.set(id, now);
    return true;
  }

  /** QEMU's job moved by itself (a mirror got ready, a commit finished): the model's job must too. */
  advance(id: string, status: JobStatus): void {
    const job = this.q.jobs.get(id);
    if (!job) throw new Divergence(`QEMU's job ${id} became ${status}; the model has no such job`);
    const want: JobStatus = status === 'waiting' ? 'pending' : status;
    try {
      awaitJob(this.w, 'vm1', this.q, id, want, false);
    } catch (e) {
      throw new Divergence(
        `QEMU's job ${id} became ${status} by itself; the model's job is ${job.status} and does not (${(e as Error).message})`,
      );
    }
    this.flush();
    if (!this.queued.get(id)?.length)
      throw new Divergence(`QEMU's job ${id} became ${status}; the model's job is already ${job.status}`);
  }

  /** Queues the events of every status change the model's jobs made since the last flush. */
  flush(): void {
    for (const job of this.q.jobs.values()) if (!this.trails.has(job)) this.trails.set(job, 0);
    for (const [job, at] of this.trails) {
      const evs = eventsSince(job, at);
      this.trails.set(job, job.trail.length);
      if (evs.length) this.queued.set(job.id, [...(this.queued.get(job.id) ?? []), ...evs]);
    }
  }
}

/** The event fields the model holds: job identity, type and whether it failed (not byte counts). */
function modelled(data: Obj): Obj {
  const out: Obj = {};
  for (const k of ['id', 'device', 'type']) if (k in data) out[k] = data[k];
  if (data.error !== undefined) out.error = true;
  return out;
}

function sortKeys(e: SimEvent): SimEvent {
  return { event: e.event, data: Object.fromEntries(Object.entries(e.data).sort(([a], [b]) => a.localeCompare(b))) };
}
