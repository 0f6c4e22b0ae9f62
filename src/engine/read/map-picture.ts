// The cluster map picture, from metadata only: for each layer, how many bytes of each slice of the
// guest space it holds as data, zeros or compressed clusters, or leaves unallocated. A layer's own
// view is its block status with the layers below cut off at depth 0, so the cost follows the number
// of runs (L2 metadata), never the image size: a mostly empty multi-TiB image is a few hundred runs.
// A qcow2 layer is walked in the file order of its L2 tables (planned-walk.ts); anything else whole.
import { Chain } from './chain.js';
import type { Engine } from '../core/engine.js';
import { chainRuns, RUN, type Run } from './block-status.js';
import { markMetaPrealloc } from './meta-prealloc.js';
import type { ImageSource } from '../../io/source.js';
import { plannedWalk } from './planned-walk.js';

/**
 * The map picture: for each layer (top first) and each of `buckets` equal slices of the guest space,
 * how many bytes are of each kind. `bytes[(layer * buckets + bucket) * 4 + kind]`.
 */
export interface MapPicture {
  buckets: number;
  layers: number;
  virtualSize: number;
  bytes: Float64Array;
  /** Block-status runs the engine reported, all layers together. */
  runs: number;
}

const KIND = { data: 0, zero: 1, unallocated: 2, compressed: 3 } as const;

export function kindOf(r: Run): number {
  if (r.depth > 0 || !(r.flags & RUN.ALLOCATED)) return KIND.unallocated;
  if (r.flags & RUN.COMPRESSED) return KIND.compressed;
  if (r.flags & RUN.ZERO || !(r.flags & RUN.DATA)) return KIND.zero;
  return KIND.data;
}

/** Adds `r` to the buckets of one layer row, splitting it where it crosses bucket edges. */
export function addRun(row: Float64Array, buckets: number, width: number, r: Run, kind: number): void {
  const end = r.start + r.length;
  for (let b = Math.floor(r.start / width); b < buckets && b * width < end; b++) {
    const lo = Math.max(r.start, b * width);
    const hi = Math.min(end, (b + 1) * width);
    if (hi > lo) row[b * 4 + kind] += hi - lo;
  }
}

export interface MapOptions {
  signal?: AbortSignal;
  /** false: ask the engine for the whole guest range in order (the reference the tests compare with). */
  planned?: boolean;
  /**
   * Bytes between L2 tables of a layer worth reading through rather than skipped (default 0): a
   * medium that costs a round trip per read (a Blob, HTTP) gives MAX_GAP (planned-reads.ts).
   */
  gap?: (source: ImageSource) => number;
}

export async function mapPicture(
  engine: Engine,
  chain: Chain,
  buckets: number,
  opts: MapOptions = {},
): Promise<MapPicture> {
  const size = chain.size;
  const n = chain.layers.length;
  const bytes = new Float64Array(n * buckets * 4);
  const width = Math.max(1, Math.ceil(size / buckets));
  let runs = 0;
  await markMetaPrealloc(engine, chain);
  for (let i = 0; i < n; i++) {
    // The layer as the top of the chain below it: depth 0 runs are this layer's own clusters.
    const sub = new Chain(engine, chain.layers.slice(i));
    const row = bytes.subarray(i * buckets * 4, (i + 1) * buckets * 4);
    const layerSize = Math.min(size, sub.size);
    const add = (r: Run) => {
      addRun(row, buckets, width, r, kindOf(r));
      if (++runs % 4096 === 0) opts.signal?.throwIfAborted();
    };
    const planned =
      opts.planned !== false && (await plannedWalk(engine, sub, layerSize, opts.gap?.(sub.top.source) ?? 0, add));
    if (!planned) for await (const r of chainRuns(engine, sub, 0, layerSize)) add(r);
    // A backing layer smaller than the top: the rest reads as zeros, allocated nowhere.
    if (layerSize < size)
      addRun(
        row,
        buckets,
        width,
        { start: layerSize, length: size - layerSize, flags: 0, host: 0, depth: 1, slot: -1 },
        KIND.unallocated,
      );
  }
  return { buckets, layers: n, virtualSize: size, bytes, runs };
}
