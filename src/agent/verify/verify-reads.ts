// Guest reads for verify-copy and check-target: compare two chains over a span, or look for a
// non-zero byte in one, and say the first offending guest offset. Reads go in 4 MiB chunks into
// four engine buffers held for the whole check (two chunk pairs, one compared while one is read).
import type { Chain } from '../../engine/read/chain.js';
import type { Engine } from '../../engine/core/engine.js';
import { engineBuffer, readGuest } from '../../engine/read/reader.js';
import { planGuestRead } from '../../engine/copy/read-ahead.js';
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
  const held: ReturnType<typeof engineBuffer>[] = [];
  try {
    for (let i = 0; i < 4; i++) held.push(engineBuffer(e, CHUNK));
  } catch (err) {
    for (const b of held) b.release();
    throw err;
  }
  const [bufA, bufB, bufC, bufD] = held as [
    ReturnType<typeof engineBuffer>,
    ReturnType<typeof engineBuffer>,
    ReturnType<typeof engineBuffer>,
    ReturnType<typeof engineBuffer>,
  ];
  const pairs = [
    [bufA, bufB],
    [bufC, bufD],
  ] as const;
  let bytesRead = 0;
  const chunks = async function* (span: Span, signal?: AbortSignal) {
    for (let pos = span[0]; pos < span[1]; pos += CHUNK) {
      signal?.throwIfAborted();
      yield { pos, len: Math.min(CHUNK, span[1] - pos) };
    }
  };
  return {
    get bytesRead() {
      return bytesRead;
    },
    async firstDifference(a, b, span, signal) {
      // Both sides of a chunk are read at once, and the next chunk's reads are in flight while this
      // one is compared (planning stays on this loop; only the file reads overlap).
      const plan = async (
        pos: number,
        slot: number,
      ): Promise<{ pos: number; len: number; slot: number; done: Promise<unknown> }> => {
        const len = Math.min(CHUNK, span[1] - pos);
        const [x, y] = pairs[slot]!;
        const ra = await planGuestRead(e, a, pos, len, x.ptr);
        const rb = await planGuestRead(e, b, pos, len, y.ptr);
        return { pos, len, slot, done: Promise.all([e.performRequests(ra), e.performRequests(rb)]) };
      };
      let cur = span[0] < span[1] ? await plan(span[0], 0) : undefined;
      try {
        while (cur) {
          signal?.throwIfAborted();
          await cur.done;
          const nextPos = cur.pos + cur.len;
          const next = nextPos < span[1] ? await plan(nextPos, cur.slot ^ 1) : undefined;
          bytesRead += 2 * cur.len;
          const [x, y] = pairs[cur.slot]!;
          const vx = x.view().subarray(0, cur.len);
          const vy = y.view().subarray(0, cur.len);
          if (Buffer.compare(vx, vy) !== 0) {
            await next?.done.catch(() => undefined);
            return cur.pos + firstIndex(vx, (v, i) => v !== vy[i]);
          }
          cur = next;
        }
      } catch (err) {
        await cur?.done.catch(() => undefined);
        throw err;
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
      for (const b of held) b.release();
    },
  };
}

/** Index of the first byte where `differs` holds; only called once memcmp has found a difference. */
function firstIndex(x: Uint8Array, differs: (v: number, i: number) => boolean): number {
  for (let k = 0; k < x.length; k++) if (differs(x[k]!, k)) return k;
  return -1;
}
