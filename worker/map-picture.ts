// The cluster map picture, from metadata only: for each layer, how many bytes of each slice of the
// guest space it holds as data, zeros or compressed clusters, or leaves unallocated. A layer's own
// view is its block status with the layers below cut off at depth 0, so the cost follows the number
// of runs (L2 metadata), never the image size: a mostly empty multi-TiB image is a few hundred runs.
import { Chain, type Layer } from '../src/engine/chain.js';
import type { Engine } from '../src/engine/engine.js';
import { chainRuns, RUN, type Run } from '../src/engine/block-status.js';
import { markMetaPrealloc } from '../src/engine/meta-prealloc.js';
import { BlobSource } from '../src/io/blob-source.js';
import * as K from '../assembly/keys';
import type { MapPicture } from './types.js';
import { PlannedReadSource, planSpans } from './planned-reads.js';

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

export async function mapPicture(engine: Engine, chain: Chain, buckets: number, signal?: AbortSignal): Promise<MapPicture> {
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
    const layer = chain.layers[i]!;
    const walk = await walkOrder(engine, layer, layerSize);
    if (walk.source) engine.attachFile(layer.slot, false, walk.source);
    try {
      for (const [start, length] of walk.ranges) {
        for await (const r of chainRuns(engine, sub, start, length)) {
          addRun(row, buckets, width, r, kindOf(r));
          if (++runs % 4096 === 0) signal?.throwIfAborted();
        }
      }
    } finally {
      if (walk.source) engine.attachFile(layer.slot, false, layer.source);
    }
    // A backing layer smaller than the top: the rest reads as zeros, allocated nowhere.
    if (layerSize < size) addRun(row, buckets, width, { start: layerSize, length: size - layerSize, flags: 0, host: 0, depth: 1, slot: -1 }, KIND.unallocated);
  }
  return { buckets, layers: n, virtualSize: size, bytes, runs };
}

/**
 * The guest ranges to ask block status for, in an order that reads the layer's metadata well. The
 * buckets only sum bytes, so any order covering [0, size) once gives the same picture. A qcow2 layer
 * in a picked file (a browser IPC round trip per read) is walked one L1 entry at a time in the file
 * order of the L2 tables, through a source that reads those tables in large spans; L1 entries with
 * no table are walked together in guest order. Anything else: [0, size) at once.
 */
export async function walkOrder(engine: Engine, layer: Layer, size: number): Promise<{ ranges: [number, number][]; source?: PlannedReadSource }> {
  const whole: { ranges: [number, number][] } = { ranges: size > 0 ? [[0, size]] : [] };
  const src = layer.source;
  if (layer.facts.format !== 'qcow2' || !(src instanceof BlobSource)) return whole;
  const l1Offset = engine.x.layerGet(layer.slot, K.K_L1_OFFSET);
  const l1Size = engine.x.layerGet(layer.slot, K.K_L1_SIZE);
  const cluster = 2 ** layer.facts.clusterBits;
  const perL2 = cluster * (cluster / (layer.facts.extendedL2 ? 16 : 8)); // guest bytes one L2 table maps
  if (l1Size <= 0 || l1Offset <= 0 || l1Offset + l1Size * 8 > src.size) return whole;
  const l1 = new Uint8Array(l1Size * 8);
  if ((await src.pread(l1, l1Offset)) < l1.length) return whole;
  const dv = new DataView(l1.buffer);
  const tables: { offset: number; start: number; length: number }[] = [];
  const ranges: [number, number][] = [];
  let covered = 0;
  for (let j = 0; j < l1Size && j * perL2 < size; j++) {
    const start = j * perL2;
    const length = Math.min(perL2, size - start);
    covered = start + length;
    const offset = Number(dv.getBigUint64(j * 8) & 0x00fffffffffffe00n);
    if (offset > 0 && offset + cluster <= src.size) tables.push({ offset, start, length });
    else {
      const last = ranges[ranges.length - 1]; // no table here: joins the unallocated run before it
      if (last && last[0] + last[1] === start) last[1] += length;
      else ranges.push([start, length]);
    }
  }
  if (covered < size) ranges.push([covered, size - covered]); // past the L1 table (never in a valid image)
  tables.sort((a, b) => a.offset - b.offset);
  const source = new PlannedReadSource(src, planSpans(tables.map((t) => [t.offset, cluster]), src.size));
  return { ranges: [...tables.map((t): [number, number] => [t.start, t.length]), ...ranges], source };
}
