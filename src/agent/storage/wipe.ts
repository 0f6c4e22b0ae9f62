// Wipe then delete (oVirt's wipe-after-delete, seed 000): overwrite every allocated run of the file
// with zeros, flush, then unlink. Holes are already zeros; the kernel's own map (SEEK_DATA) says
// where data is, so a sparse file is not inflated by the wipe. The file is opened once, through
// safe-open (no symlink, one link, inside a root), zeroed through that descriptor, and unlinked only
// while its name still names it. Where the file system shares the data with another file (a reflink
// clone on XFS, btrfs) zeros written there would erase nothing and allocate new blocks: those runs are
// punched instead (wipe-shared.ts, wipe-punch.ts), and whatever still holds data after the punch is
// zeroed, so the file reads all zero before the unlink either way.
import { fsyncSync, writeSync } from 'node:fs';
import { isVdiskError } from '../../errors/vdisk-error.js';
import { NodeFileSource } from '../../io/node-file-source.js';
import type { CheckedFile, CheckedFiles } from './safe-open.js';
import { punchRanges, type Range } from './wipe-punch.js';
import { wipeWays } from './wipe-shared.js';

const ZEROS = Buffer.alloc(1 << 20);

/** Zeroes the file's data, then deletes it; one that is already gone is fine (re-run after a crash). */
export async function wipeFile(files: CheckedFiles, path: string): Promise<void> {
  const f = await openUnlessGone(files, path, 'wipe');
  if (!f) return;
  try {
    const { zero, punch } = await wipeWays(f.handle.fd, await dataRuns(f, path));
    if ((await punchRanges(f.handle.fd, punch)) < total(punch))
      zero.push(...punch); // not all punched: zero them
    else if (punch.length) zero.push(...(await dataRuns(f, path, punch))); // punched, yet data is left
    for (const [start, length] of zero) {
      for (let pos = start; pos < start + length; pos += ZEROS.length) {
        writeSync(f.handle.fd, ZEROS, 0, Math.min(ZEROS.length, start + length - pos), pos);
      }
    }
    fsyncSync(f.handle.fd);
    await files.unlink(f);
  } finally {
    await f.handle.close();
  }
}

const total = (ranges: Range[]) => ranges.reduce((n, [, len]) => n + len, 0);

/** The runs the kernel's map (SEEK_DATA) says hold data, within `only` when given. */
async function dataRuns(f: CheckedFile, path: string, only?: Range[]): Promise<Range[]> {
  const runs = await NodeFileSource.adopt(path, f.handle, f.stat.size).extents(0, f.stat.size);
  const data = runs.filter((x) => x.data).map((x): Range => [x.start, x.length]);
  if (!only) return data;
  return data.flatMap(([s, n]) =>
    only.flatMap(([o, m]): Range[] => {
      const a = Math.max(s, o);
      const b = Math.min(s + n, o + m);
      return b > a ? [[a, b - a]] : [];
    }),
  );
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

async function openUnlessGone(
  files: CheckedFiles,
  path: string,
  purpose: 'wipe' | 'delete',
): Promise<CheckedFile | undefined> {
  try {
    return await files.open(path, purpose);
  } catch (e) {
    if (isVdiskError(e) && e.code === 'E_NOT_FOUND') return undefined;
    throw e;
  }
}
