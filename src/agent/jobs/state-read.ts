// Reading a state file the agent wrote (the orphan register, a job's event file) as text, bounded:
// opened without following a symlink, refused unless it is a regular file, and never read past
// `max` bytes, so a hand-edited or runaway file costs at most that much memory and time. A missing
// file is undefined; anything else wrong is a VdiskError with a stable code (the caller logs it and
// goes on without the file's content: these files number what was done, they never order an action).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { VdiskError } from '../../errors/vdisk-error.js';

/** The file's text, at most `max` bytes of it; undefined when it does not exist. */
export function readStateText(path: string, max: number): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code;
    if (errno === 'ENOENT') return undefined;
    throw new VdiskError('E_AGENT_STATE_BAD', `${path} cannot be opened (${errno})`, { path, errno });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new VdiskError('E_AGENT_STATE_BAD', `${path} is not a regular file`, { path });
    if (st.size > max) throw tooLarge(path, st.size, max);
    // Read up to one byte past the limit: a file still growing cannot slip a bigger read through.
    const buf = Buffer.allocUnsafe(st.size + 1);
    let n = 0;
    for (let r = 1; r > 0 && n < buf.length; n += r) r = readSync(fd, buf, n, buf.length - n, n);
    if (n > max) throw tooLarge(path, n, max);
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

const tooLarge = (path: string, size: number, max: number) =>
  new VdiskError('E_AGENT_STATE_TOO_LARGE', `${path} holds more than ${max} bytes: not read`, { path, size, max });
