// QEMU's QMP commands as the simulator models them (7.2 semantics): node graph changes, block jobs
// driven through the job-state tables, transactions all-or-nothing. A command refused because of a
// job's state raises the same verb error the tables define; a pivot before ready is a violation.
// Writes into a node follow QEMU's read-only rule (read-only.ts).
import { assertVerb, canTransition, verbAllowed, type JobStatus } from '../../qmp/job-states.js';
import { checkCommitBase, checkCommitOverlay, checkFormatOverFile, checkMirrorTarget } from './read-only.js';
import { fileOpen, nodeChain, sparse, viewOfNode } from './view.js';
import { SimError, type SimJob, type SimQemu, type SimWorld } from './world.js';

type Args = Record<string, unknown>;
const str = (a: Args, k: string): string => String(a[k]);

export function qmpCommand(w: SimWorld, vm: string, q: SimQemu, execute: string, a: Args): void {
  const handler = COMMANDS[execute];
  if (!handler) throw new SimError('E_PLAN_QMP_ERROR', `unknown command ${execute}`, 'generic');
  handler(w, q, a, vm);
}

const COMMANDS: Record<string, (w: SimWorld, q: SimQemu, a: Args, vm: string) => void> = {
  'blockdev-create': (w, q, a) => {
    const id = str(a, 'job-id');
    if (q.jobs.has(id)) throw generic(`job ${id} exists`);
    const o = a.options as Args;
    if (o.driver === 'file') {
      const path = str(o, 'filename');
      if (fileOpen(w, path)) w.violations.push(`blockdev-create truncates ${path}, which QEMU has open`);
      w.files.set(path, { format: 'raw', size: Number(o.size), backingName: null, backingFormat: null, blocks: {} });
    } else {
      const file = q.nodes.get(str(o, 'file'));
      if (!file?.path || !w.files.has(file.path)) throw notFound(`node ${String(o.file)}`);
      w.files.set(file.path, {
        format: 'qcow2',
        size: Number(o.size),
        blocks: {},
        backingName: (o['backing-file'] as string | undefined) ?? null,
        backingFormat: (o['backing-fmt'] as string | undefined) ?? null,
      });
    }
    q.jobs.set(id, newJob(id, 'create', '', 'concluded'));
  },
  'blockdev-add': (w, q, a, vm) => {
    const name = str(a, 'node-name');
    if (q.nodes.has(name)) throw generic(`node ${name} exists`);
    const readOnly = a['read-only'] === true;
    const autoReadOnly = a['auto-read-only'] === true;
    if (a.driver === 'file') {
      if (!w.files.has(str(a, 'filename'))) throw generic(`could not open ${str(a, 'filename')}`);
      q.nodes.set(name, { driver: 'file', path: str(a, 'filename'), backing: null, readOnly, autoReadOnly });
      return;
    }
    const file = q.nodes.get(str(a, 'file'));
    const f = file?.path ? w.files.get(file.path) : undefined;
    if (!f) throw notFound(`node ${str(a, 'file')}`);
    if (f.format !== a.driver) throw generic(`image is not ${String(a.driver)}`);
    if (a.driver === 'qcow2' && !('backing' in a))
      w.violations.push(`blockdev-add ${name} without backing: QEMU would open a backing by name`);
    const backing = (a.backing as string | null | undefined) ?? null;
    if (backing !== null && !q.nodes.has(backing)) throw notFound(`node ${backing}`);
    checkFormatOverFile(w, vm, q, name, str(a, 'file'), readOnly);
    q.nodes.set(name, { driver: a.driver as 'raw' | 'qcow2', file: str(a, 'file'), backing, readOnly, autoReadOnly });
  },
  'blockdev-del': (_w, q, a) => {
    const name = str(a, 'node-name');
    if (!q.nodes.has(name)) throw notFound(`node ${name}`);
    if (hasParents(q, name)) throw generic(`node ${name} is in use`);
    q.nodes.delete(name);
  },
  'blockdev-mirror': (w, q, a) => {
    const id = str(a, 'job-id');
    if (q.jobs.has(id)) throw generic(`job ${id} exists`);
    if (!q.nodes.has(str(a, 'device')) || !q.nodes.has(str(a, 'target'))) throw notFound('mirror node');
    checkMirrorTarget(w, q, str(a, 'target'));
    q.jobs.set(id, {
      ...newJob(id, 'mirror', str(a, 'device'), 'running'),
      target: str(a, 'target'),
      sync: a.sync as 'full' | 'top',
    });
  },
  'block-commit': (w, q, a, vm) => {
    const id = str(a, 'job-id');
    if (q.jobs.has(id)) throw generic(`job ${id} exists`);
    const device = str(a, 'device');
    const chain = chainNodes(q, device);
    const top = str(a, 'top-node');
    const base = str(a, 'base-node');
    if (chain.indexOf(top) < 0 || chain.indexOf(base) <= chain.indexOf(top)) throw generic('top/base not in the chain');
    const active = chain[0] === top;
    if (active && a['backing-file'] !== undefined) throw generic("'backing-file' cannot be used for an active commit");
    checkCommitBase(w, vm, q, base);
    const baseNode = q.nodes.get(base)!;
    q.jobs.set(id, {
      ...newJob(id, 'commit', device, 'running'),
      top,
      base,
      active,
      backingFile: (a['backing-file'] as string | undefined) ?? null,
      baseReadOnly: baseNode.readOnly,
    });
    baseNode.readOnly = false; // the commit writes into it
  },
  'job-complete': (w, q, a, vm) => {
    const job = getJob(q, str(a, 'id'));
    if (!verbAllowed('complete', job.status))
      w.violations.push(`${vm}: job-complete on ${job.id} in state ${job.status} (pivot before ready)`);
    verb(job, 'complete');
    job.completeRequested = true;
    move(job, 'waiting');
    move(job, 'pending');
  },
  'job-finalize': (w, q, a, vm) => {
    const job = getJob(q, str(a, 'id'));
    verb(job, 'finalize');
    if (job.type === 'commit' && !job.active && !job.failed && job.cancelled === 'none') {
      const chain = chainNodes(q, job.device);
      checkCommitOverlay(w, vm, q, chain[chain.indexOf(job.top!) - 1]!);
    }
    if (!job.failed && job.cancelled === 'none') applyGraphChange(w, q, job);
    restoreBase(q, job);
    move(job, 'concluded');
  },
  'job-dismiss': (_w, q, a) => {
    const job = getJob(q, str(a, 'id'));
    verb(job, 'dismiss');
    move(job, 'null');
    q.jobs.delete(job.id);
  },
  'block-job-cancel': (_w, q, a) => {
    const job = getJob(q, str(a, 'device'));
    verb(job, 'cancel');
    if ((job.status === 'ready' || job.status === 'standby') && a.force !== true) {
      job.cancelled = 'soft'; // a ready mirror completes without pivot
      move(job, 'waiting');
      move(job, 'pending');
      return;
    }
    job.cancelled = 'force';
    job.failed = true;
    restoreBase(q, job);
    move(job, 'aborting');
    move(job, 'concluded');
  },
  transaction: (_w, q, a) => {
    const actions = a.actions as { type: string; data: Args }[];
    for (const act of actions) {
      if (act.type !== 'blockdev-snapshot') throw generic(`unsupported transaction action ${act.type}`);
      const overlay = q.nodes.get(str(act.data, 'overlay'));
      if (!q.nodes.has(str(act.data, 'node')) || !overlay) throw notFound('snapshot node');
      if (overlay.backing !== null || overlay.driver !== 'qcow2')
        throw generic('overlay must be qcow2 without a backing');
      const backingOf = [...q.nodes].find(([, n]) => n.backing === act.data.node);
      if (backingOf)
        throw generic(`Node '${String(act.data.node)}' is busy: node is used as backing hd of '${backingOf[0]}'`);
    }
    for (const act of actions) append(q, str(act.data, 'overlay'), str(act.data, 'node'));
  },
};

/**
 * bdrv_append: every parent of `node` now points at `overlay`, whose backing becomes `node`. QEMU
 * reopens the new backing layer read-only (query-named-block-nodes shows `ro` on it afterwards).
 */
function append(q: SimQemu, overlay: string, node: string): void {
  for (const [dev, root] of q.devices) if (root === node) q.devices.set(dev, overlay);
  for (const [name, n] of q.nodes) if (n.backing === node && name !== overlay) n.backing = overlay;
  q.nodes.get(overlay)!.backing = node;
  q.nodes.get(node)!.readOnly = true;
}

/** Replace `from` by `to` for every parent of `from` (pivot). */
function replace(q: SimQemu, from: string, to: string): void {
  for (const [dev, root] of q.devices) if (root === from) q.devices.set(dev, to);
  for (const [name, n] of q.nodes) if (n.backing === from && name !== to) n.backing = to;
}

/**
 * A commit that ends gives its base back its read-only flag, unless an active commit pivoted onto it:
 * then the base takes the place (and the writability) of the active layer.
 */
function restoreBase(q: SimQemu, job: SimJob): void {
  if (job.type !== 'commit' || !job.baseReadOnly) return;
  const pivoted = job.active && job.completeRequested && !job.failed && job.cancelled === 'none';
  const base = q.nodes.get(job.base!);
  if (!pivoted && base) base.readOnly = true;
}

function applyGraphChange(w: SimWorld, q: SimQemu, job: SimJob): void {
  if (job.type === 'mirror' && job.completeRequested) replace(q, job.device, job.target!);
  if (job.type !== 'commit') return;
  if (job.active) {
    replace(q, job.top!, job.base!);
    return;
  }
  const chain = chainNodes(q, job.device);
  const above = chain[chain.indexOf(job.top!) - 1]!;
  q.nodes.get(above)!.backing = job.base!;
  const abovePath = q.nodes.get(q.nodes.get(above)!.file!)!.path!;
  const basePath = q.nodes.get(q.nodes.get(job.base!)!.file!)!.path!;
  w.files.get(abovePath)!.backingName = job.backingFile ?? basePath;
}

/** The job's work up to its natural stop (copy for a mirror, merge for a commit). */
export function runJob(w: SimWorld, q: SimQemu, job: SimJob, fraction = 1): void {
  if (job.type === 'mirror') {
    const target = pathOf(q, job.target!);
    const src = job.sync === 'full' ? viewOfNode(w, q, job.device) : null;
    const blocks = src ? sparse(src) : { ...w.files.get(pathOf(q, job.device))!.blocks };
    copyPart(w.files.get(target)!.blocks, blocks, fraction);
  } else if (job.type === 'commit') {
    const chain = nodeChain(w, q, job.top!)!;
    const basePath = pathOf(q, job.base!);
    const segment = chain.slice(0, chain.indexOf(basePath));
    const merged: Record<number, string> = {};
    for (const p of [...segment].reverse()) Object.assign(merged, w.files.get(p)!.blocks);
    copyPart(w.files.get(basePath)!.blocks, merged, fraction);
  }
}

export function copyPart(into: Record<number, string>, from: Record<number, string>, fraction: number): void {
  const keys = Object.keys(from);
  for (const k of keys.slice(0, Math.ceil(keys.length * fraction))) into[Number(k)] = from[Number(k)]!;
}

export function move(job: SimJob, to: JobStatus): void {
  if (!canTransition(job.status, to))
    throw new SimError('E_JOB_BAD_TRANSITION', `job ${job.id}: ${job.status} -> ${to}`, 'wrong-state');
  job.status = to;
  job.trail.push(to);
}

function verb(job: SimJob, v: Parameters<typeof assertVerb>[0]): void {
  try {
    assertVerb(v, job.status, job.id);
  } catch (e) {
    const err = e as { code: string; message: string };
    throw new SimError(err.code, err.message, 'wrong-state');
  }
}

export function chainNodes(q: SimQemu, node: string): string[] {
  const out: string[] = [];
  for (let n: string | null = node; n !== null && !out.includes(n); n = q.nodes.get(n)?.backing ?? null) out.push(n);
  return out;
}

export const pathOf = (q: SimQemu, node: string): string => q.nodes.get(q.nodes.get(node)!.file!)!.path!;

function hasParents(q: SimQemu, name: string): boolean {
  if ([...q.devices.values()].includes(name)) return true;
  for (const n of q.nodes.values()) if (n.backing === name || n.file === name) return true;
  for (const j of q.jobs.values()) {
    if (j.status !== 'concluded' && [j.device, j.target, j.top, j.base].includes(name)) return true;
  }
  return false;
}

export function getJob(q: SimQemu, id: string): SimJob {
  const job = q.jobs.get(id);
  if (!job) throw notFound(`job ${id}`);
  return job;
}

/** A job as QEMU starts it: created, then running; blockdev-create runs to its end at once in the model. */
function newJob(id: string, type: SimJob['type'], device: string, status: JobStatus): SimJob {
  const trail: JobStatus[] =
    status === 'concluded' ? ['created', 'running', 'waiting', 'pending', 'concluded'] : ['created', status];
  return { id, type, device, status, completeRequested: false, cancelled: 'none', failed: false, trail };
}

const notFound = (what: string) => new SimError('E_PLAN_QMP_ERROR', `${what} not found`, 'not-found');
const generic = (msg: string) => new SimError('E_PLAN_QMP_ERROR', msg, 'generic');
