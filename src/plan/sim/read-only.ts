// QEMU 7.2's read-only rule as the simulator applies it. A job that writes into a node needs that
// node writable: block-commit reopens a read-only base read-write (and at finalize rewrites the
// backing name in the layer above its top), blockdev-mirror never reopens its target. A reopen reaches
// the node's own options and the children it opened inline, not a `file` node added separately: one
// added with `read-only: true` stays read-only and QEMU refuses with "Block node is read-only" (an
// intermediate commit even segfaults QEMU at job-finalize). libvirt therefore opens every protocol
// node with `auto-read-only: true` (file-posix holds the file O_RDONLY until a writer attaches) and
// sets `read-only` on the format node only. Each case was run on qemu-system-x86_64 7.2 (docs/qmp.md).
import { SimError, type SimQemu, type SimWorld } from './world.js';

export const READ_ONLY = 'Block node is read-only';

/** The separately opened file node under a format node, if any. */
const fileOf = (q: SimQemu, name: string) => {
  const file = q.nodes.get(name)?.file;
  return file ? { name: file, node: q.nodes.get(file) } : undefined;
};

/** False when a test took the rule out of the model (SimWorld.rules) to show the test notices. */
const applies = (w: SimWorld): boolean => w.rules?.readOnly !== false;

/** Whether QEMU can make format node `name` writable by reopening it (its file node allows writes). */
export function reopenableForWrite(q: SimQemu, name: string): boolean {
  return !(fileOf(q, name)?.node?.readOnly ?? false);
}

/** block-commit writes into its base: refused when the base cannot be reopened read-write. */
export function checkCommitBase(w: SimWorld, vm: string, q: SimQemu, base: string): void {
  if (!applies(w) || reopenableForWrite(q, base)) return;
  w.violations.push(
    `${vm}: block-commit into ${base}, whose file node ${fileOf(q, base)!.name} was opened read-only ` +
      `without auto-read-only: QEMU 7.2 cannot reopen it read-write ("${READ_ONLY}")`,
  );
  throw new SimError('E_PLAN_QMP_ERROR', READ_ONLY, 'generic');
}

/** An intermediate commit's finalize rewrites the backing name of the layer above its top. */
export function checkCommitOverlay(w: SimWorld, vm: string, q: SimQemu, overlay: string): void {
  if (!applies(w) || reopenableForWrite(q, overlay)) return;
  w.violations.push(
    `${vm}: job-finalize of a commit under ${overlay}, whose file node was opened read-only ` +
      'without auto-read-only: QEMU 7.2 cannot rewrite its backing name and crashes (SIGSEGV)',
  );
  throw new SimError('E_PLAN_QMP_ERROR', `${READ_ONLY} (QEMU exited)`, 'generic');
}

/** blockdev-mirror writes into its target as opened: a read-only target is refused. */
export function checkMirrorTarget(w: SimWorld, q: SimQemu, target: string): void {
  if (!applies(w)) return;
  if (q.nodes.get(target)?.readOnly || !reopenableForWrite(q, target))
    throw new SimError('E_PLAN_QMP_ERROR', READ_ONLY, 'generic');
}

/**
 * blockdev-add of a format node: a writable one over a read-only file is refused; a read-only one
 * over a file opened read-write without auto-read-only holds an image open for writing that is only
 * read (what libvirt's auto-read-only avoids).
 */
export function checkFormatOverFile(
  w: SimWorld,
  vm: string,
  q: SimQemu,
  name: string,
  fileName: string,
  readOnly: boolean,
): void {
  const file = q.nodes.get(fileName);
  if (!applies(w) || !file || file.driver !== 'file') return;
  if (!readOnly && file.readOnly) throw new SimError('E_PLAN_QMP_ERROR', READ_ONLY, 'generic');
  if (readOnly && !file.readOnly && !file.autoReadOnly) {
    w.violations.push(
      `${vm}: ${name} is read-only but its file node ${fileName} holds ${file.path} open for writing (no auto-read-only)`,
    );
  }
}
