// Copy offload in the copier. A chunk whose reads are all plain reads (no decompression) of local
// files the target shares extents with ('share': XFS with reflink, btrfs) is neither read nor zero-
// scanned: its reads become pieces — host ranges of the source files — that the sink hands to the
// kernel (copy_file_range through koffi, src/io/native/), and what no read covers (the engine filled
// it with zeros) becomes zero runs. Adjacent pieces are merged up to 64 MiB first, so the kernel gets
// few, large calls. Anything else (compressed clusters, another file system, pieces off the sink's
// allocation unit) takes the read + write path, chunk by chunk.
import type { Engine, Request } from '../core/engine.js';
import type { ImageSource } from '../../io/source.js';
import type { Sink } from './sink.js';

export interface Piece {
  src: ImageSource;
  srcOffset: number;
  offset: number;
  length: number;
}
export type Step = { kind: 'copy'; piece: Piece } | { kind: 'zero'; start: number; end: number };

const MERGE_MAX = 64 << 20;

/**
 * Guest [at, end), planned into memory at `ptr`, as copy pieces and zero runs in guest order; undefined
 * when any read cannot be shared or a piece or run would split one of the sink's units (a qcow2
 * cluster is decided whole; `total`, the guest size, may end one early).
 */
export function sharedSteps(
  engine: Engine,
  sink: Sink,
  reqs: Request[],
  ptr: number,
  at: number,
  end: number,
  total: number,
): Step[] | undefined {
  if (!sink.copy || !sink.offloadFrom || reqs.length === 0) return undefined;
  const unit = sink.unit;
  const onUnits = (s: number, e: number) => s % unit === 0 && (e % unit === 0 || e === total);
  const steps: Step[] = [];
  let pos = at;
  let last: Piece | undefined;
  for (const r of [...reqs].sort((a, b) => a.dst - b.dst)) {
    const src = engine.plainReadSource(r);
    if (!src || sink.offloadFrom(src) !== 'share') return undefined;
    const offset = at + (r.dst - ptr);
    if (offset < pos) return undefined; // overlapping reads: not a layout offload can copy
    if (last && last.src === src && last.offset + last.length === offset && last.srcOffset + last.length === r.offset) {
      last.length += r.len;
    } else {
      if (last && !onUnits(last.offset, last.offset + last.length)) return undefined;
      if (offset > pos) {
        if (!onUnits(pos, offset)) return undefined;
        steps.push({ kind: 'zero', start: pos, end: offset });
      }
      last = { src, srcOffset: r.offset, offset, length: r.len };
      steps.push({ kind: 'copy', piece: last });
    }
    pos = offset + r.len;
  }
  if (last && !onUnits(last.offset, last.offset + last.length)) return undefined;
  if (pos < end) {
    if (!onUnits(pos, end)) return undefined;
    steps.push({ kind: 'zero', start: pos, end });
  }
  return steps;
}

/** Holds the last piece while the next ones continue it (same file, both sides adjacent), up to 64 MiB. */
export class PieceMerger {
  private pending: Piece | undefined;

  /** Adds a piece; returns the piece that can no longer grow (issue it), if any. */
  add(p: Piece): Piece | undefined {
    const q = this.pending;
    if (
      q &&
      q.src === p.src &&
      q.offset + q.length === p.offset &&
      q.srcOffset + q.length === p.srcOffset &&
      q.length + p.length <= MERGE_MAX
    ) {
      q.length += p.length;
      return undefined;
    }
    this.pending = { ...p };
    return q;
  }

  /** The piece held back, if any (before any other sink call, and at the end). */
  take(): Piece | undefined {
    const q = this.pending;
    this.pending = undefined;
    return q;
  }
}
