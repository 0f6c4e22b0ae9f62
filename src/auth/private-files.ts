// Files only the service's own user may read: secret and token files (refused at start when group or
// others can read them, with the chmod that fixes it) and the agent's state (made 0700/0600, and
// tightened when found looser). Node only; the workerd gateway gets its secrets from bindings.
import { chmodSync, closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { VdiskError } from '../errors/vdisk-error.js';

/** Reads a secret file through one descriptor, refusing it when its mode lets group or others read it. */
export function readPrivateFile(path: string, what: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY);
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code;
    throw new VdiskError('E_SECRET_FILE_UNREADABLE', `cannot read the ${what} file ${path} (${errno})`, {
      path,
      errno,
    });
  }
  try {
    const mode = fstatSync(fd).mode & 0o777;
    if (mode & 0o077) {
      const octal = mode.toString(8).padStart(4, '0');
      throw new VdiskError(
        'E_SECRET_FILE_MODE',
        `the ${what} file ${path} is readable by group or others (mode ${octal})`,
        {
          path,
          hint: `chmod 600 ${path}`,
        },
      );
    }
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** A directory only its owner can enter: made 0700, or an existing one tightened to 0700. */
export function privateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  tighten(path, 0o700);
}

/** An existing file or directory whose mode grants more than `mode` is chmod'ed down to it. */
export function tighten(path: string, mode: number): void {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st || (st.mode & 0o777 & ~mode) === 0) return;
  try {
    chmodSync(path, mode);
  } catch (e) {
    throw new VdiskError(
      'E_STATE_MODE',
      `${path} is open to other users (mode ${(st.mode & 0o777).toString(8)}) and cannot be tightened (${(e as NodeJS.ErrnoException).code})`,
      {
        path,
        hint: `chmod ${mode.toString(8)} ${path}`,
      },
    );
  }
}
