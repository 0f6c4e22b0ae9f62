// Which data of a file the wipe may overwrite in place and which it must punch instead. On a file
// system that shares extents between files (a reflink clone on XFS, any extent on btrfs) writing
// zeros over a shared extent erases nothing: the write lands in newly allocated blocks (costing space)
// and the other file keeps the old data. So: on btrfs (statfs f_type, where every write is
// copy-on-write) every data run is punched; elsewhere the extents FIEMAP flags `shared` (read through
// e2fsprogs' filefrag(8), which reopens the same inode through /proc/PID/fd/N) are punched and the
// rest is zeroed in place. Without filefrag nothing is known to be shared and everything is zeroed.
import { execFile } from 'node:child_process';
import { statfsSync } from 'node:fs';
import type { Range } from './wipe-punch.js';

export const BTRFS_MAGIC = 0x9123683e;
export const XFS_MAGIC = 0x58465342;

export interface WipeWays {
  zero: Range[];
  punch: Range[];
}

const procPath = (fd: number) => `/proc/${process.pid}/fd/${fd}`;

/** Splits the data runs of the file open as `fd` into ranges to zero in place and ranges to punch. */
export async function wipeWays(fd: number, runs: Range[]): Promise<WipeWays> {
  if (statfsSync(procPath(fd)).type === BTRFS_MAGIC) return { zero: [], punch: runs };
  const shared = await sharedExtents(fd);
  if (!shared.length) return { zero: runs, punch: [] };
  return splitRuns(runs, shared);
}

/** The data runs cut into what lies in a shared extent (punch) and what does not (zero). */
export function splitRuns(runs: Range[], shared: Range[]): WipeWays {
  const zero: Range[] = [];
  const punch: Range[] = [];
  for (const run of runs) split(run, shared, zero, punch);
  return { zero, punch };
}

/** Cuts `run` into the parts inside a shared extent (punch) and outside every one (zero). */
function split([start, length]: Range, shared: Range[], zero: Range[], punch: Range[]): void {
  let pos = start;
  const end = start + length;
  for (const [s, n] of shared) {
    if (s + n <= pos || s >= end) continue;
    if (s > pos) zero.push([pos, s - pos]);
    const to = Math.min(end, s + n);
    punch.push([Math.max(pos, s), to - Math.max(pos, s)]);
    pos = to;
  }
  if (pos < end) zero.push([pos, end - pos]);
}

/** The shared extents (byte ranges, sorted) FIEMAP reports for the file; [] when filefrag is missing or fails. */
export function sharedExtents(fd: number): Promise<Range[]> {
  return new Promise((resolve) => {
    execFile('filefrag', ['-v', procPath(fd)], { timeout: 60_000, maxBuffer: 64 << 20 }, (e, out) =>
      resolve(e ? [] : parseFilefrag(out)),
    );
  });
}

/** Parses `filefrag -v`: the block size from its header, then each extent line with the `shared` flag. */
export function parseFilefrag(out: string): Range[] {
  const block = Number(/blocks of (\d+) bytes/.exec(out)?.[1] ?? 0);
  if (!block) return [];
  const ranges: Range[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*\d+:\s+(\d+)\.\.\s*(\d+):\s+\d+\.\.\s*\d+:\s+\d+:(.*)$/.exec(line);
    if (m && /\bshared\b/.test(m[3]!)) ranges.push([Number(m[1]) * block, (Number(m[2]) - Number(m[1]) + 1) * block]);
  }
  return ranges.sort((a, b) => a[0] - b[0]);
}
