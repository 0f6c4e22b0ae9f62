// Guest reads for verify-copy and check-target: compare two chains over a span, or look for a
// non-zero byte in one, and say the first offending guest offset. Reads go in 4 MiB chunks into
// two engine buffers held for the whole check.
import type { Chain } from '../engine/chain.js';
import type { Engine } from '../engine/engine.js';
import { engineBuffer, readGuest } from '../engine/reader.js';
import type { Span } from './verify-ranges.js';

const CHUNK = 4 << 20;
const ZEROS = new Uint8Array(CHUNK);

export interface GuestReader {
  /** First guest offset in `span` where `a` and `b` read differently, or -1. */
  firstDifference(a: Chain, b: Chain, span: Span, signal?: AbortSignal): Promise<number>;
  /** First guest offset in `span` where `a` reads non-zero, or -1. */
  firstNonZero(a: Chain, span: Span, signal?: AbortSignal): Promise<number>;
  /** Bytes read so far (both sides counted). */
  readonly bytesRead: number;
  release(): void;
}

export function guestReader(e: Engine): GuestReader {
  const bufA = engineBuffer(e, CHUNK);
  let bufB: ReturnType<typeof engineBuffer>;
  try {
    bufB = engineBuffer(e, CHUNK);
  } catch (err) {
    bufA.release();
    throw err;
  }
  let bytesRead = 0;
  const chunks = async function* (span: Span, signal?: AbortSignal) {
    for (let pos = span[0]; pos < span[1]; pos += CHUNK) {
      signal?.throwIfAborted();
      yield { pos, len: Math.min(CHUNK, span[1] - pos) };
    }
  };
  return {
    get bytesRead() { return bytesRead; },
    async firstDifference(a, b, span, signal) {
      for await (const { pos, len } of chunks(span, signal)) {
        await readGuest(e, a, pos, len, bufA.ptr);
        await readGuest(e, b, pos, len, bufB.ptr);
        bytesRead += 2 * len;
        const x = bufA.view().subarray(0, len);
        const y = bufB.view().subarray(0, len);
        if (Buffer.compare(x, y) !== 0) return pos + firstIndex(x, (v, i) => v !== y[i]);
      }
      return -1;
    },
    async firstNonZero(a, span, signal) {
      for await (const { pos, len } of chunks(span, signal)) {
        await readGuest(e, a, pos, len, bufA.ptr);
        bytesRead += len;
        const x = bufA.view().subarray(0, len);
        if (Buffer.compare(x, ZEROS.subarray(0, len)) !== 0) return pos + firstIndex(x, (v) => v !== 0);
      }
      return -1;
    },
    release() {
      bufB.release();
      bufA.release();
    },
  };
}

/** Index of the first byte where `differs` holds; only called once memcmp has found a difference. */
function firstIndex(x: Uint8Array, differs: (v: number, i: number) => boolean): number {
  for (let k = 0; k < x.length; k++) if (differs(x[k]!, k)) return k;
  return -1;
}
