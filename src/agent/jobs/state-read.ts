// Reading a state file the agent wrote (the orphan register, a job's event file) as text, bounded:
// opened without following a symlink, refused unless it is a regular file, and never read past
// `max` bytes, so a hand-edited or runaway file costs at most that much memory and time. A missing
// file is undefined; anything else wrong is a VdiskError with a stable code (the caller logs it and
// goes on without the file's content: these files number what was done, they never order an action).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { VdiskError } from '../../errors/vdisk-error.js';

/** The file's text, at most `max` bytes of it; undefined when it does not exist. */
export function readStateText(path: string, max: number): string | undefined {
  const fd = openState(path);
  if (fd === undefined) return undefined;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notAFile(path);
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

/**
 * The last `max` bytes of the file from the start of a line (a line cut by the limit is left out),
 * and how many bytes before them were not read; undefined when the file does not exist.
 */
export function readStateTail(path: string, max: number): { text: string; skipped: number } | undefined {
  const fd = openState(path);
  if (fd === undefined) return undefined;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notAFile(path);
    const from = Math.max(0, st.size - max);
    const buf = Buffer.allocUnsafe(st.size - from);
    let n = 0;
    for (let r = 1; r > 0 && n < buf.length; n += r) r = readSync(fd, buf, n, buf.length - n, from + n);
    // Starting mid-file: skip to just after the first newline (the first line may be cut).
    const start = from === 0 ? 0 : buf.indexOf(10) + 1;
    if (from > 0 && start === 0) return { text: '', skipped: st.size };
    return { text: buf.toString('utf8', start, n), skipped: from + start };
  } finally {
    closeSync(fd);
  }
}

/** The descriptor of a state file opened for reading without following a link; undefined when absent. */
function openState(path: string): number | undefined {
  try {
    return openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code;
    if (errno === 'ENOENT') return undefined;
    throw new VdiskError('E_AGENT_STATE_BAD', `${path} cannot be opened (${errno})`, { path, errno });
  }
}

const notAFile = (path: string) => new VdiskError('E_AGENT_STATE_BAD', `${path} is not a regular file`, { path });
const tooLarge = (path: string, size: number, max: number) =>
  new VdiskError('E_AGENT_STATE_TOO_LARGE', `${path} holds more than ${max} bytes: not read`, { path, size, max });
