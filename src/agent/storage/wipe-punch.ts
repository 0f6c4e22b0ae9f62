// The one place the wipe punches holes (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE) into the file it
// holds open: fallocate(2) on that very descriptor (src/io/punch-hole.ts, through koffi), never by
// name, so what is punched is the file the agent opened and checked. Best effort: the wipe reads the
// map again afterwards and zeroes whatever still holds data.
import { punchHolesFd, type Range } from '../../io/punch-hole.js';

export type { Range };

/** Punches `ranges` of the file open as descriptor `fd` in this process; returns the bytes punched. */
export function punchRanges(fd: number, ranges: Range[]): Promise<number> {
  if (!ranges.length) return Promise.resolve(0);
  return punchHolesFd(fd, ranges);
}
