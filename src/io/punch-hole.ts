// Punching holes into a local file: fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE), what
// QEMU's file-posix driver does for a discard (raw_co_pdiscard → do_fallocate). Node has no
// fallocate and fs-ext does not wrap it, so util-linux's fallocate(1) runs once per merged range
// (through one xargs(1) when there are many). Best effort, as QEMU's
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
/** Past this many ranges, one xargs(1) runs fallocate(1) four at a time (a spawn costs ~5 ms). */
const BATCH = 8;

function punchOne(path: string, [offset, length]: Range): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('fallocate', ['--punch-hole', '--offset', String(offset), '--length', String(length), path], (e) => {
      if ((e as NodeJS.ErrnoException | null)?.code === 'ENOENT') missing = true;
      resolve(!e);
    });
  });
}

/** All ranges through `xargs -0 -n 6 -P 4 fallocate` (NUL-separated arguments: any path is safe). */
function punchMany(path: string, ranges: Range[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = execFile('xargs', ['-0', '-n', '6', '-P', '4', 'fallocate'], (e) => resolve(!e));
    child.stdin!.on('error', () => {});
    for (const [o, n] of ranges) child.stdin!.write(`--punch-hole\0--offset\0${o}\0--length\0${n}\0${path}\0`);
    child.stdin!.end();
  });
}

/** Punches every range (merged first); returns the bytes punched (all of them, or those known done). */
export async function punchHoles(path: string, ranges: Range[]): Promise<number> {
  const merged = coalesce(ranges);
  if (merged.length > BATCH && !missing && await punchMany(path, merged)) return merged.reduce((a, [, n]) => a + n, 0);
  let done = 0;
  for (const r of merged) {
    if (missing) break;
    if (await punchOne(path, r)) done += r[1];
  }
  return done;
}
