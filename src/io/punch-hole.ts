// Punching holes into a local file: fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE), what
// QEMU's file-posix driver does for a discard (raw_co_pdiscard → do_fallocate). Node has no
// fallocate and fs-ext does not wrap it, so util-linux's fallocate(1) runs once per range; callers
// hand over few, coalesced ranges (clusters freed by a repair, a shrink). Best effort, as QEMU's
// discards are: a file system without holes or a missing tool leaves the bytes where they are
// (nothing refers to them any more), and the result says how much was punched.
import { execFile } from 'node:child_process';

export type Range = [offset: number, length: number];

/** Sorted, merged ranges (touching or overlapping ones joined). */
export function coalesce(ranges: Range[]): Range[] {
  const s = ranges.filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  for (const [o, n] of s) {
    const last = out[out.length - 1];
    if (last && o <= last[0] + last[1]) last[1] = Math.max(last[1], o + n - last[0]);
    else out.push([o, n]);
  }
  return out;
}

let missing = false;

function punchOne(path: string, [offset, length]: Range): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('fallocate', ['--punch-hole', '--offset', String(offset), '--length', String(length), path], (e) => {
      if ((e as NodeJS.ErrnoException | null)?.code === 'ENOENT') missing = true;
      resolve(!e);
    });
  });
}

/** Punches every range (merged first); returns the bytes punched. */
export async function punchHoles(path: string, ranges: Range[]): Promise<number> {
  let done = 0;
  for (const r of coalesce(ranges)) {
    if (missing) break;
    if (await punchOne(path, r)) done += r[1];
  }
  return done;
}
