// The copy pipeline. Source runs → aligned COPY / ZERO / HOLE operations → COPY ranges read in
// chunks into 4 KiB-aligned Wasm memory (a fixed pool of `depth` buffers, allocated before any read
// so memory never grows under a read in flight) → zero scan at the sparse granularity → the sink.
// Engine calls (planning) stay on this one loop (the engine's request queue is not re-entrant); the
// reads and writes of up to `depth` chunks run behind it (pipeline.ts). Memory: chunk × depth,
// whatever the image size.
import type { Chain } from '../read/chain.js';
import type { Engine } from '../core/engine.js';
import { E_NO_MEMORY } from '../core/codes.js';
import { planGuestRead, memoryGuard } from './read-ahead.js';
import { Pipeline } from './pipeline.js';
import { Aligner, type Op } from './aligner.js';
import type { Sink } from './sink.js';
import { sourceRuns } from './source-runs.js';
import { checkAbort, reporter, type LongOp } from '../ops/progress.js';
import { wx } from '../core/exports.js';
import { PieceMerger, sharedSteps, type Piece } from './offload.js';

export interface CopyOptions extends LongOp {
  shallow?: boolean;
  /** Copy only what layers above this depth allocate (commit: the base's depth). */
  aboveDepth?: number;
  /** -S: zero runs at least this long are not written; 0 writes every byte. */
  sparseSize?: number;
  chunkSize?: number;
  depth?: number;
  phase?: string;
  /** Guest size of the target; the source covers [0, chain.size), the rest reads as zeros. */
  targetSize?: number;
  /** false: never copy in the kernel (--no-offload); default: where the target shares extents (offload.ts). */
  offload?: boolean;
}

export interface CopyResult {
  bytesRead: number;
  bytesWritten: number;
}

const MiB = 1 << 20;
// Buffered writes to one file are serialised by the kernel (the inode lock): two keep it busy, and
// the rest of the thread pool stays free for the reads of the chunks behind them.
const WRITES_IN_FLIGHT = 2;

export async function copyChain(engine: Engine, chain: Chain, sink: Sink, opts: CopyOptions = {}): Promise<CopyResult> {
  const size = chain.size;
  const total = Math.max(size, opts.targetSize ?? size);
  const unit = sink.unit;
  const chunk = Math.max(unit, Math.ceil(Math.min(8 * MiB, Math.max(MiB, opts.chunkSize ?? 4 * MiB)) / unit) * unit);
  const depth = Math.max(1, opts.depth ?? 4);
  const sparse = opts.sparseSize ?? 4096;
  const gran = sparse === 0 ? 0 : Math.ceil(Math.max(sparse, 512) / unit) * unit;
  const progress = reporter(opts, opts.phase ?? 'copy', total);
  const result: CopyResult = { bytesRead: 0, bytesWritten: 0 };

  const pool: number[] = [];
  for (let i = 0; i < depth; i++) pool.push(engineAlloc(engine, chunk));
  const pipe = new Pipeline(pool.slice(), WRITES_IN_FLIGHT);
  // From here reads land in engine memory while other calls may run: pin its size, so another
  // caller's allocation fails with E_ENGINE_BUSY rather than moving memory under the reads.
  engine.x.memoryPin(1);
  const guard = memoryGuard(engine);

  // Offloaded pieces wait here while the next ones continue them; any other sink call goes after them.
  const merger = new PieceMerger();
  const issueCopy = (p: Piece | undefined) => {
    if (p) pipe.issue(undefined, () => sink.copy!(p.offset, p.length, p.src, p.srcOffset, opts.signal));
  };
  const issue = (call: () => Promise<void>) => {
    issueCopy(merger.take());
    pipe.issue(undefined, call);
  };
  const offload = opts.offload !== false && sink.copy !== undefined;

  const runOp = async (op: Op) => {
    // -S 0: nothing is scanned or skipped, the target is fully allocated (zeros written as data).
    if (op.kind === 'zero' && sparse !== 0) {
      issue(() => sink.zero(op.start, op.end - op.start));
      return;
    }
    if (op.kind === 'hole') {
      issue(() => sink.hole(op.start, op.end - op.start));
      return;
    }
    for (let at = op.start; at < op.end; ) {
      checkAbort(opts.signal);
      if (pipe.failure) throw pipe.failure;
      const end = Math.min(op.end, (Math.floor(at / chunk) + 1) * chunk);
      const ptr = await pipe.take();
      const readEnd = Math.min(end, size);
      const reqs = readEnd > at ? await planGuestRead(engine, chain, at, readEnd - at, ptr) : [];
      guard();
      result.bytesRead += Math.max(0, readEnd - at);
      const steps = offload && sparse !== 0 ? sharedSteps(engine, sink, reqs, ptr, at, end, total) : undefined;
      if (steps) {
        // Shared extents: nothing is read or scanned; the kernel copies each piece.
        pipe.give(ptr);
        for (const s of steps) {
          if (s.kind === 'zero') issue(() => sink.zero(s.start, s.end - s.start));
          else {
            issueCopy(merger.add(s.piece));
            result.bytesWritten += s.piece.length;
          }
        }
        at = end;
        progress(at);
        continue;
      }
      issueCopy(merger.take());
      const padded = Math.min(chunk, Math.ceil((end - at) / unit) * unit);
      if (padded > readEnd - at) engine.bytes().fill(0, ptr + Math.max(0, readEnd - at), ptr + padded);
      const from = at;
      pipe.issue(
        reqs.length ? engine.performRequests(reqs) : undefined,
        () => writeChunk(engine, sink, from, end - from, ptr, gran, result),
        () => pipe.give(ptr),
      );
      at = end;
      progress(at);
    }
  };

  try {
    const aligner = new Aligner(unit, total, !sink.backed);
    for await (const r of sourceRuns(engine, chain, opts.aboveDepth ?? (opts.shallow ? 1 : Infinity))) {
      checkAbort(opts.signal);
      guard();
      aligner.push(r.start, r.end, r.kind);
      for (const op of aligner.take()) {
        await runOp(op);
        progress(op.end);
      }
    }
    if (total > size) aligner.push(size, total, 'zero');
    for (const op of aligner.finish()) {
      await runOp(op);
      progress(op.end);
    }
    issueCopy(merger.take());
    await pipe.drain();
    if (pipe.failure) throw pipe.failure;
    await sink.finish();
    return result;
  } finally {
    await pipe.drain();
    engine.x.memoryPin(-1);
    for (const p of pool) engine.x.free(p, chunk);
  }
}

function engineAlloc(engine: Engine, bytes: number): number {
  const p = engine.x.alloc(bytes);
  if (p === 0) throw engine.error(E_NO_MEMORY);
  return p;
}

/** Splits one chunk by the zero scan and hands the pieces to the sink (all issued before any await). */
function writeChunk(
  engine: Engine,
  sink: Sink,
  at: number,
  len: number,
  ptr: number,
  gran: number,
  result: CopyResult,
): Promise<void> {
  const x = wx(engine);
  const writes: Promise<void>[] = [];
  const runs = gran === 0 ? -1 : x.zeroScan(ptr, len, gran, (gran - (at % gran)) % gran);
  if (runs < 0) {
    writes.push(sink.data(at, engine.bytes().subarray(ptr, ptr + len)));
    result.bytesWritten += len;
    return Promise.all(writes).then(() => {});
  }
  const ends = new Uint32Array(engine.x.memory.buffer, x.zeroRunsPtr(), runs).slice();
  let zero = x.zeroRunsFirstIsZero() === 1;
  let from = 0;
  const mem = engine.bytes();
  for (const e of ends) {
    if (zero) writes.push(sink.zero(at + from, e - from));
    else {
      writes.push(sink.data(at + from, mem.subarray(ptr + from, ptr + e)));
      result.bytesWritten += e - from;
    }
    from = e;
    zero = !zero;
  }
  return Promise.all(writes).then(() => {});
}
