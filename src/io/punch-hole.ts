// Punching holes into a local file: fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE), what
// QEMU's file-posix driver does for a discard (raw_co_pdiscard → do_fallocate), called through koffi
// (native/libc.ts) on the descriptor, one system call per merged range, no process spawned. Best
// effort, as QEMU's discards are: a file system without holes (EOPNOTSUPP) or no koffi leaves the
// bytes where they are (nothing refers to them any more), and the result says how much was punched.
// Zeroing a range in place (ZERO_RANGE) goes the same way.
import { open } from 'node:fs/promises';
import { FALLOC, libc } from './native/libc.js';

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

/** Punches every range (merged first) in the open file `fd`; returns the bytes punched. */
export async function punchHolesFd(fd: number, ranges: Range[]): Promise<number> {
  const sys = libc();
  if (!sys) return 0;
  let done = 0;
  for (const [o, n] of coalesce(ranges)) {
    const r = await sys.fallocate(fd, FALLOC.PUNCH_HOLE | FALLOC.KEEP_SIZE, o, n);
    if (r === 0) done += n;
    else if (r === 'EOPNOTSUPP' || r === 'ENOSYS') break; // no holes here: the rest fails alike
  }
  return done;
}

/** fallocate ZERO_RANGE (keeping the size) on the descriptor: false where the file system cannot. */
export async function zeroRangeFd(fd: number, offset: number, length: number): Promise<boolean> {
  const sys = libc();
  return sys !== null && (await sys.fallocate(fd, FALLOC.ZERO_RANGE | FALLOC.KEEP_SIZE, offset, length)) === 0;
}

/** The same by name (opened for writing, then closed); 0 when the file cannot be opened. */
export async function punchHoles(path: string, ranges: Range[]): Promise<number> {
  const h = await open(path, 'r+').catch(() => undefined);
  if (!h) return 0;
  try {
    return await punchHolesFd(h.fd, ranges);
  } finally {
    await h.close();
  }
}
