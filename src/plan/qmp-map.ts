// Step → QMP: the exact commands each live step issues, and the job states it waits for between
// them. The simulator and the host agent both run these scripts, so a simulated run and a real
// QEMU 7.2 run of the same plan issue the same command sequence. Jobs are started with
// auto-finalize and auto-dismiss off so that a crash never loses a job's outcome.
import type { ActionCall } from './actions.js';
import type { JobStatus } from '../qmp/job-states.js';

export interface QmpSend {
  op: 'send';
  execute: string;
  arguments: Record<string, unknown>;
  /** Error classes the step accepts (compensation is idempotent: a node or job already gone is fine). */
  tolerate?: ('not-found' | 'wrong-state')[];
}
export interface QmpAwait {
  op: 'await';
  job: string;
  status: JobStatus;
  /** Compensation may wait on a job that never started. */
  tolerate?: 'not-found'[];
}
export type QmpOp = QmpSend | QmpAwait;

const send = (execute: string, args: Record<string, unknown>, tolerate?: QmpSend['tolerate']): QmpSend =>
  tolerate ? { op: 'send', execute, arguments: args, tolerate } : { op: 'send', execute, arguments: args };
const wait = (job: string, status: JobStatus, tolerate?: 'not-found'[]): QmpAwait =>
  tolerate ? { op: 'await', job, status, tolerate } : { op: 'await', job, status };
const manual = { 'auto-finalize': false, 'auto-dismiss': false };

/** pending → finalize: the graph change (pivot, dropped layers) happens here, all or nothing. */
const finalizeJob = (job: string): QmpOp[] => [wait(job, 'pending'), send('job-finalize', { id: job })];

/** blockdev-create runs to concluded by itself (it has no auto-finalize option) and is dismissed. */
const createJob = (job: string, options: Record<string, unknown>): QmpOp[] => [
  send('blockdev-create', { 'job-id': job, options }),
  wait(job, 'concluded'),
  send('job-dismiss', { id: job }),
];

const fileNode = (node: string, filename: string): QmpSend =>
  send('blockdev-add', { driver: 'file', 'node-name': node, filename });

/**
 * A layer opened to be read (a copied backing layer), as libvirt opens one: `auto-read-only` on the
 * file node, which QEMU then holds O_RDONLY, and `read-only` on the format node only. A later commit
 * into the layer reopens the format node read-write, and the file node follows once the commit asks
 * to write. With `read-only: true` on a separately added file node that reopen fails in QEMU 7.2
 * ("Block node is read-only"): a reopen does not reach a child added by name.
 */
const readLayerFileNode = (node: string, filename: string): QmpSend =>
  send('blockdev-add', { driver: 'file', 'node-name': node, filename, 'auto-read-only': true });

export function qmpScript(call: ActionCall): QmpOp[] {
  switch (call.action) {
    case 'qmp-create-image': {
      const p = call.params;
      if (p.format === 'raw') {
        return [
          ...createJob(p.fileJob, { driver: 'file', filename: p.path, size: p.size }),
          fileNode(p.fileNode, p.path),
          send('blockdev-add', { driver: 'raw', 'node-name': p.node, file: p.fileNode }),
        ];
      }
      const qcow2: Record<string, unknown> = { driver: 'qcow2', file: p.fileNode, size: p.size };
      if (p.backingFile) Object.assign(qcow2, { 'backing-file': p.backingFile, 'backing-fmt': p.backingFormat });
      return [
        ...createJob(p.fileJob, { driver: 'file', filename: p.path, size: 0 }),
        fileNode(p.fileNode, p.path),
        ...createJob(p.formatJob ?? `${p.fileJob}f`, qcow2),
        send('blockdev-add', { driver: 'qcow2', 'node-name': p.node, file: p.fileNode, backing: p.backing }),
      ];
    }
    case 'qmp-open-image': {
      const p = call.params;
      const ro = p.readOnly ? { 'read-only': true } : {};
      const fmt = p.format === 'qcow2' ? { backing: p.backing } : {};
      return [
        p.readOnly ? readLayerFileNode(p.fileNode, p.path) : fileNode(p.fileNode, p.path),
        send('blockdev-add', { driver: p.format, 'node-name': p.node, file: p.fileNode, ...ro, ...fmt }),
      ];
    }
    case 'qmp-close-image':
      return [
        send('blockdev-del', { 'node-name': call.params.node }, ['not-found']),
        send('blockdev-del', { 'node-name': call.params.fileNode }, ['not-found']),
      ];
    case 'qmp-mirror': {
      const p = call.params;
      return [
        send('blockdev-mirror', { 'job-id': p.job, device: p.device, target: p.target, sync: p.sync, ...manual }),
      ];
    }
    case 'qmp-commit': {
      const p = call.params;
      const args: Record<string, unknown> = {
        'job-id': p.job,
        device: p.device,
        'top-node': p.top,
        'base-node': p.base,
      };
      // QEMU refuses backing-file for an active commit; for an intermediate one it keeps names relative.
      if (!p.active && p.backingFile) args['backing-file'] = p.backingFile;
      return [send('block-commit', { ...args, ...manual })];
    }
    case 'qmp-wait-ready':
      return [wait(call.params.job, 'ready')];
    case 'qmp-attach-backing':
      return [send('transaction', { actions: [snapshotAction(call.params.node, call.params.overlay)] })];
    case 'qmp-pivot':
      return [send('job-complete', { id: call.params.job }), ...finalizeJob(call.params.job)];
    case 'qmp-job-finish':
      return finalizeJob(call.params.job);
    case 'qmp-release-copy':
      // A soft cancel of a ready mirror completes it without pivot: the copy is consistent.
      return [send('block-job-cancel', { device: call.params.job }), ...finalizeJob(call.params.job)];
    case 'qmp-job-dismiss':
      return [wait(call.params.job, 'concluded'), send('job-dismiss', { id: call.params.job })];
    case 'qmp-job-cancel':
      return [
        send('block-job-cancel', { device: call.params.job, force: true }, ['not-found', 'wrong-state']),
        wait(call.params.job, 'concluded', ['not-found']),
        send('job-dismiss', { id: call.params.job }, ['not-found']),
      ];
    case 'qmp-snapshot-group':
      return [send('transaction', { actions: call.params.pairs.map((p) => snapshotAction(p.node, p.overlay)) })];
    default:
      return [];
  }
}

function snapshotAction(node: string, overlay: string): Record<string, unknown> {
  return { type: 'blockdev-snapshot', data: { node, overlay } };
}

/** Only the commands (what a recorded real run is compared with). */
export function qmpCommands(call: ActionCall): { execute: string; arguments: Record<string, unknown> }[] {
  return qmpScript(call).flatMap((o) => (o.op === 'send' ? [{ execute: o.execute, arguments: o.arguments }] : []));
}
