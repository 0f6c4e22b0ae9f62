// Flatten a chain into a raw target, from metadata: runs the chain reports as zero or unallocated are
// never read, data runs are read into 4 KiB-aligned engine memory and written as they are, and
// data that is all zeros in `sparseSize` blocks becomes a hole (qemu-img convert -S). The engine's
// own convertImage (issue 4) replaces this once it lands; the target methods are the same.
import type { Chain } from '../src/engine/chain.js';
import type { Engine } from '../src/engine/engine.js';
import { chainRuns, RUN } from '../src/engine/block-status.js';
import { engineBuffer, readGuest } from '../src/engine/reader.js';
import type { ConvertResult, ProgressFn } from './types.js';

export interface RawTarget {
  pwrite(buf: Uint8Array, offset: number): Promise<void>;
  zero(offset: number, length: number): Promise<void>;
  truncate(size: number): Promise<void>;
}

const CHUNK = 4 << 20;

export interface FlattenOptions {
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  sparseSize?: number;
}

function allZero(b: Uint8Array): boolean {
  const words = b.length >> 2;
  const w = new Int32Array(b.buffer, b.byteOffset, words);
  for (let i = 0; i < words; i++) if (w[i] !== 0) return false;
  for (let i = words << 2; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** Writes `view` at `pos`, turning all-zero blocks of `sparse` bytes into zero() calls. */
async function writeSparse(t: RawTarget, view: Uint8Array, pos: number, sparse: number): Promise<number> {
  if (sparse <= 0 || sparse % 4 !== 0) return t.pwrite(view, pos).then(() => view.length);
  let written = 0;
  const flush = async (from: number, to: number, zero: boolean) => {
    if (zero) return t.zero(pos + from, to - from);
    await t.pwrite(view.subarray(from, to), pos + from);
    written += to - from;
  };
  let start = 0;
  let zero = false;
  for (let at = 0; at < view.length; at += sparse) {
    const z = allZero(view.subarray(at, Math.min(at + sparse, view.length)));
    if (at > start && z !== zero) { await flush(start, at, zero); start = at; }
    zero = z;
  }
  if (view.length > start) await flush(start, view.length, zero);
  return written;
}

export async function flattenRaw(engine: Engine, chain: Chain, target: RawTarget, opts: FlattenOptions = {}): Promise<ConvertResult> {
  const size = chain.size;
  const buf = engineBuffer(engine, CHUNK);
  let bytesRead = 0;
  let bytesWritten = 0;
  let last = 0;
  const report = (done: number, force = false) => {
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    opts.onProgress?.({ phase: 'flatten', done, total: size });
  };
  try {
    await target.truncate(0);
    report(0, true);
    for await (const r of chainRuns(engine, chain)) {
      opts.signal?.throwIfAborted();
      if (r.flags & RUN.ZERO || !(r.flags & RUN.DATA)) {
        await target.zero(r.start, r.length);
      } else {
        for (let at = r.start; at < r.start + r.length; at += CHUNK) {
          opts.signal?.throwIfAborted();
          const len = Math.min(CHUNK, r.start + r.length - at);
          await readGuest(engine, chain, at, len, buf.ptr);
          bytesRead += len;
          bytesWritten += await writeSparse(target, buf.view().subarray(0, len), at, opts.sparseSize ?? 4096);
          report(at + len);
        }
      }
      report(r.start + r.length);
    }
    await target.truncate(size);
    report(size, true);
    return { bytesRead, bytesWritten, virtualSize: size };
  } finally {
    buf.release();
  }
}
