// The one rule every source's pread shares: how many bytes a read at `offset` may return.
import { VdiskError } from '../errors/vdisk-error.js';

/** Bytes to read for `buf` at `offset` in a medium of `size` bytes: 0 at or past the end. */
export function readLength(buf: Uint8Array, offset: number, size: number, name: string): number {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new VdiskError('E_RANGE', `read offset ${offset} is not a non-negative integer`, {
      path: name,
      value: offset,
    });
  }
  return Math.max(0, Math.min(buf.length, size - offset));
}
