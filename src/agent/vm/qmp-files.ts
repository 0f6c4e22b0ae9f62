// QEMU opens the files the agent names in blockdev-add and blockdev-create (driver `file`) itself,
// by name, following symlinks: the agent cannot hand it a checked descriptor (QMP add-fd needs
// SCM_RIGHTS, which Node's net cannot send; see docs/security.md, residual risks). So immediately
// before each such command the name is checked as safe-open checks a descriptor: inside a root,
// its directory a real path, and the name itself a regular file (not a symlink) with one link —
// or absent, for blockdev-create, which makes it. The window between this check and QEMU's open
// stays open; it is as short as one QMP round trip.
import { lstat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { VdiskError } from '../../errors/vdisk-error.js';
import type { QmpSend } from '../../plan/qmp-map.js';
import type { CheckedFiles } from '../storage/safe-open.js';

/** The file name a command hands QEMU, and whether QEMU creates it. */
export function fileNamed(op: QmpSend): { path: string; creates: boolean } | undefined {
  const a = op.arguments;
  if (op.execute === 'blockdev-add' && a.driver === 'file') return { path: String(a.filename), creates: false };
  const o = a.options as Record<string, unknown> | undefined;
  if (op.execute === 'blockdev-create' && o?.driver === 'file') return { path: String(o.filename), creates: true };
  return undefined;
}

export async function checkNameForQemu(files: CheckedFiles, path: string, creates: boolean): Promise<void> {
  files.roots.resolve(path);
  await files.checkDir(dirname(path));
  const st = await lstat(path).catch(() => undefined);
  if (!st) {
    if (creates) return;
    throw new VdiskError('E_NOT_FOUND', `${path} does not exist`, { path });
  }
  if (st.isSymbolicLink()) throw new VdiskError('E_AGENT_SYMLINK', `${path} is a symbolic link`, { path });
  if (!st.isFile()) throw new VdiskError('E_AGENT_NOT_A_FILE', `${path} is not a regular file`, { path });
  if (st.nlink > 1) throw new VdiskError('E_AGENT_HARD_LINK', `${path} has ${st.nlink} links`, { path });
}
