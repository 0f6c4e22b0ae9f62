// Node's errno errors turned into vdisk's stable codes, with the path that failed.
import { VdiskError } from '../errors/vdisk-error.js';

const BY_ERRNO: Record<string, string> = {
  ENOENT: 'E_NOT_FOUND',
  ENOTDIR: 'E_NOT_FOUND',
  EACCES: 'E_PERMISSION',
  EPERM: 'E_PERMISSION',
};

export function fsError(err: unknown, path: string, op: string): VdiskError {
  if (err instanceof VdiskError) return err;
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  const code = (errno && BY_ERRNO[errno]) || 'E_IO';
  const reason = err instanceof Error ? err.message : String(err);
  return new VdiskError(code, `${op} ${path}: ${reason}`, { path, ...(errno ? { errno } : {}) });
}
