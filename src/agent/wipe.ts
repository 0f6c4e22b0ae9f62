// Wipe then delete (oVirt's wipe-after-delete, seed 000): overwrite every allocated run of the file
// with zeros, flush, then unlink. Holes are already zeros; the kernel's own map (SEEK_DATA) says
// where data is, so a sparse file is not inflated by the wipe. The file is opened once, through
// safe-open (no symlink, one link, inside a root), zeroed through that descriptor, and unlinked only
// while its name still names it.
import { fsyncSync, writeSync } from 'node:fs';
import { isVdiskError } from '../errors/vdisk-error.js';
import { NodeFileSource } from '../io/node-file-source.js';
import type { CheckedFile, CheckedFiles } from './safe-open.js';

const ZEROS = Buffer.alloc(1 << 20);

/** Zeroes the file's data, then deletes it; one that is already gone is fine (re-run after a crash). */
export async function wipeFile(files: CheckedFiles, path: string): Promise<void> {
  const f = await openUnlessGone(files, path, 'wipe');
  if (!f) return;
  try {
    const runs = await NodeFileSource.adopt(path, f.handle, f.stat.size).extents(0, f.stat.size);
    for (const r of runs.filter((x) => x.data)) {
      for (let pos = r.start; pos < r.start + r.length; pos += ZEROS.length) {
        writeSync(f.handle.fd, ZEROS, 0, Math.min(ZEROS.length, r.start + r.length - pos), pos);
      }
    }
    fsyncSync(f.handle.fd);
    await files.unlink(f);
  } finally {
    await f.handle.close();
  }
}

/** Removes a file; one that is already gone is fine (deletes are re-run after a crash). */
export async function removeFile(files: CheckedFiles, path: string): Promise<void> {
  const f = await openUnlessGone(files, path, 'delete');
  if (!f) return;
  try {
    await files.unlink(f);
  } finally {
    await f.handle.close();
  }
}

async function openUnlessGone(files: CheckedFiles, path: string, purpose: 'wipe' | 'delete'): Promise<CheckedFile | undefined> {
  try {
    return await files.open(path, purpose);
  } catch (e) {
    if (isVdiskError(e) && e.code === 'E_NOT_FOUND') return undefined;
    throw e;
  }
}
