// Node errno errors of a write target as stable codes: a full disk and a refused permission are
// told apart from other I/O errors, as callers act on them differently.
import { fsError } from './fs-error.js';
import { VdiskError } from '../errors/vdisk-error.js';

export function targetFsError(err: unknown, path: string, op: string): VdiskError {
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  if (errno === 'ENOSPC' || errno === 'EDQUOT')
    return new VdiskError('E_NO_SPACE', `${op} ${path}: no space left on the device`, { path, errno });
  if (errno === 'EEXIST') return new VdiskError('E_TARGET_EXISTS', undefined, { path });
  if (errno === 'EROFS') return new VdiskError('E_PERMISSION', `${op} ${path}: read-only file system`, { path, errno });
  return fsError(err, path, op);
}
