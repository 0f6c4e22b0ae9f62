// Targets that fail as a full disk, a refused permission or a vanished file do, part-way through:
// a real target wrapped so that its writes fail once `budget` bytes were written, with the errno
// error the Node file target turns into a stable code (target-error.ts).
import type { ImageTarget } from '../../../src/io/target.js';
import { NodeFileTarget } from '../../../src/io/node-file-target.js';
import { targetFsError } from '../../../src/io/target-error.js';

export function errnoError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

/** `inner` whose pwrite (and zero) fail with `errno` once `budget` bytes have been written (truncate(0) frees them). */
export function failAfter(inner: ImageTarget, budget: number, errno = 'ENOSPC'): ImageTarget & { written: number } {
  let written = 0;
  const spend = (n: number, offset: number) => {
    if (written + n > budget) throw targetFsError(errnoError(errno), inner.name, `write at ${offset} to`);
    written += n;
  };
  return {
    get name() {
      return inner.name;
    },
    get size() {
      return inner.size;
    },
    get startsZero() {
      return inner.startsZero;
    },
    get written() {
      return written;
    },
    async pwrite(b, o) {
      spend(b.length, o);
      await inner.pwrite(b, o);
    },
    async zero(o, n) {
      spend(Math.min(n, 1 << 20), o);
      await inner.zero(o, n);
    },
    discard: inner.discard ? (r) => inner.discard!(r) : undefined,
    // As on a full disk, cutting the file frees what was written past the new end.
    async truncate(n) {
      await inner.truncate(n);
      if (n === 0) written = 0;
    },
    flush: () => inner.flush(),
    pread: inner.pread ? (b, o) => inner.pread!(b, o) : undefined,
    allocatedSize: inner.allocatedSize ? () => inner.allocatedSize!() : undefined,
    commit: () => inner.commit(),
    abort: () => inner.abort(),
  };
}

/** A file target (new: temporary + rename; reused: in place) that fails after `budget` bytes. */
export async function failingFile(
  path: string,
  budget: number,
  o: { reuse?: boolean; errno?: string } = {},
): Promise<ImageTarget & { written: number }> {
  return failAfter(await NodeFileTarget.create(path, { reuse: o.reuse }), budget, o.errno);
}
