// The one place the wipe punches holes (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE) into the file it
// holds open. Today through src/io/punch-hole.ts (util-linux fallocate(1), which reopens the same
// inode through /proc/PID/fd/N); a direct fallocate(2) binding can replace the body without callers
// changing. Best effort: the wipe reads the map again afterwards and zeroes whatever still holds data.
import { punchHoles, type Range } from '../../io/punch-hole.js';

export type { Range };

/** Punches `ranges` of the file open as descriptor `fd` in this process; returns the bytes punched. */
export function punchRanges(fd: number, ranges: Range[]): Promise<number> {
  if (!ranges.length) return Promise.resolve(0);
  return punchHoles(`/proc/${process.pid}/fd/${fd}`, ranges);
}
