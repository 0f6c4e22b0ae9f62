// Where a file's data and holes are, asked of the kernel with lseek(SEEK_DATA/SEEK_HOLE) the way
// QEMU's file-posix driver does (find_allocation in block/file-posix.c). Node 20 has no SEEK_DATA, so
// lseek comes from libc through koffi (native/libc.ts), loaded lazily so browser bundles never pull a
// native module in.
import { libc, SEEK } from './native/libc.js';

/** lseek(2): the offset, or the errno name of a failure. */
type Seek = (fd: number, offset: number, whence: number) => number | string;

/** lseek, or null where koffi cannot be loaded (then every byte counts as data). */
export function loadSeek(): Seek | null {
  return libc()?.lseek ?? null;
}

/** The allocation state at one offset, with QEMU's cases collapsed to what a caller acts on. */
export type Allocation =
  | { kind: 'data'; end: number } // data from the offset up to `end` (the next hole)
  | { kind: 'hole'; end: number } // a hole up to `end` (the next data)
  | { kind: 'trailing-hole' } // a hole to the end of the file (or the offset is past it)
  | { kind: 'unknown' }; // the kernel told us nothing: treat the rest as data

export function findAllocation(fd: number, start: number): Allocation {
  const fn = loadSeek();
  if (!fn) return { kind: 'unknown' };

  const data = fn(fd, start, SEEK.DATA);
  // ENXIO: start is in the trailing hole (or past an end that moved under us: same answer).
  if (data === 'ENXIO') return { kind: 'trailing-hole' };
  if (typeof data === 'string' || data < start) return { kind: 'unknown' };
  if (data > start) return { kind: 'hole', end: data };

  // In data; its end is the next hole. ENXIO here means the file shrank since SEEK_DATA.
  const hole = fn(fd, start, SEEK.HOLE);
  if (hole === 'ENXIO') return { kind: 'trailing-hole' };
  if (typeof hole === 'string' || hole < start) return { kind: 'unknown' };
  // hole === start: a hole was dug between the two calls; QEMU gives up (EBUSY) and so do we.
  if (hole === start) return { kind: 'unknown' };
  return { kind: 'data', end: hole };
}
