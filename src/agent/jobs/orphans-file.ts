// The orphan register on disk: one JSON document, written whole to a 0600 temp file, fsync'd and
// renamed (a crash leaves the old or the new), read back as a whole, bounded (state-read.ts). One that
// is too large or does not parse throws a VdiskError (E_AGENT_STATE_TOO_LARGE / E_AGENT_STATE_BAD):
// the caller logs it and reads no orphan from it (the orphans it named are still listed in their
// jobs' reports, and a retry deletes only a registered orphan).
import { closeSync, constants, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { VdiskError } from '../../errors/vdisk-error.js';
import { readStateText } from './state-read.js';

/** The most the register is read: ~4,000 orphans of the longest path, or ~100,000 of ordinary ones. */
export const MAX_REGISTER_BYTES = 16 << 20;

/** The file's JSON value, or undefined when there is no file. */
export function readJson(path: string, max = MAX_REGISTER_BYTES): unknown {
  const text = readStateText(path, max);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new VdiskError('E_AGENT_STATE_BAD', `${path} is not JSON`, { path });
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp`;
  // A leftover (or a link) at the temporary name is removed, and the new file made without following one.
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, JSON.stringify(value));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
