// Where a file's data and holes are, asked of the kernel with lseek(SEEK_DATA/SEEK_HOLE) the way
// QEMU's file-posix driver does (find_allocation in block/file-posix.c). Node 20 has no SEEK_DATA, so
// fs-ext provides lseek; it is loaded lazily so that browser bundles never pull a native module in.
import { createRequire } from 'node:module';

const SEEK_DATA = 3;
const SEEK_HOLE = 4;

type SeekSync = (fd: number, offset: number, whence: number) => number;
let seekSync: SeekSync | null | undefined;

/** fs-ext's seekSync, or null where it cannot be loaded (then every byte counts as data). */
export function loadSeek(): SeekSync | null {
  if (seekSync === undefined) {
    try {
      seekSync = (createRequire(import.meta.url)('fs-ext') as { seekSync: SeekSync }).seekSync;
    } catch {
      seekSync = null;
    }
  }
  return seekSync;
}

/** The allocation state at one offset, with QEMU's cases collapsed to what a caller acts on. */
export type Allocation =
  | { kind: 'data'; end: number } // data from the offset up to `end` (the next hole)
  | { kind: 'hole'; end: number } // a hole up to `end` (the next data)
  | { kind: 'trailing-hole' } // a hole to the end of the file (or the offset is past it)
  | { kind: 'unknown' }; // the kernel told us nothing: treat the rest as data

const errnoOf = (e: unknown) => (e as NodeJS.ErrnoException).code;

function seek(fn: SeekSync, fd: number, offset: number, whence: number): number | string {
  try {
    return fn(fd, offset, whence);
  } catch (e) {
    return errnoOf(e) ?? 'EIO';
  }
}

export function findAllocation(fd: number, start: number): Allocation {
  const fn = loadSeek();
  if (!fn) return { kind: 'unknown' };

  const data = seek(fn, fd, start, SEEK_DATA);
  // ENXIO: start is in the trailing hole (or past an end that moved under us: same answer).
  if (data === 'ENXIO') return { kind: 'trailing-hole' };
  if (typeof data === 'string' || data < start) return { kind: 'unknown' };
  if (data > start) return { kind: 'hole', end: data };

  // In data; its end is the next hole. ENXIO here means the file shrank since SEEK_DATA.
  const hole = seek(fn, fd, start, SEEK_HOLE);
  if (hole === 'ENXIO') return { kind: 'trailing-hole' };
  if (typeof hole === 'string' || hole < start) return { kind: 'unknown' };
  // hole === start: a hole was dug between the two calls; QEMU gives up (EBUSY) and so do we.
  if (hole === start) return { kind: 'unknown' };
  return { kind: 'data', end: hole };
}
