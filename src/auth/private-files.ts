// Files only the service's own user may read: secret and token files (refused at start when group or
// others can read them, with the chmod that fixes it) and the agent's state (made 0700/0600, and
// tightened when found looser). Node only; the workerd gateway gets its secrets from bindings.
import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
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

/**
 * An existing file or directory whose mode grants more than `mode` is chmod'ed down to it. A state
 * file (`follow` false) must not be a symlink: chmod would change the link's target (E_STATE_SYMLINK);
 * the state dir itself may be reached through one (an operator's choice of where it lives).
 */
export function tighten(path: string, mode: number, follow = true): void {
  const st = follow ? statSync(path, { throwIfNoEntry: false }) : lstatSync(path, { throwIfNoEntry: false });
  if (st?.isSymbolicLink()) throw symlinked(path);
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

const { O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_APPEND, O_NOFOLLOW } = constants;

/** A state file opened to append (made 0600 when new), never through a symlink in its place (E_STATE_SYMLINK). */
export function openPrivateAppend(path: string, readable = false): number {
  try {
    return openSync(path, (readable ? O_RDWR : O_WRONLY) | O_APPEND | O_CREAT | O_NOFOLLOW, 0o600);
  } catch (e) {
    throw (e as NodeJS.ErrnoException).code === 'ELOOP' ? symlinked(path) : e;
  }
}

/** A new, empty 0600 file at a temporary name: whatever stood there (a leftover, a link) is removed, never followed. */
export function createPrivateTemp(path: string): number {
  rmSync(path, { force: true });
  return openSync(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
}

const symlinked = (path: string) =>
  new VdiskError('E_STATE_SYMLINK', `${path} is a symbolic link: the agent keeps its state only in real files`, {
    path,
    hint: `remove the link ${path} (the agent writes a new file)`,
  });
