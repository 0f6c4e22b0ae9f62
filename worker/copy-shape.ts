// How large the copy pipeline's chunks are and how many are in flight, by the medium the source is
// read from. A picked File pays a browser IPC round trip per read: 8 MiB × 8 spent a third less
// browser CPU than 4 MiB × 4 (docs/console.md). A remote volume reads 8 MiB ranges (the copier's
// largest chunk; a chunk's contiguous clusters are one request), 8 in flight: the shape the bench's
// loopback fetch bandwidth is measured with, and holes are never requested. OPFS reads are
// synchronous calls in this worker: the engine's defaults already keep them busy. Memory is
// chunk × depth of Wasm buffers, whatever the image size.
import type { ImageRef } from './types.js';

const MiB = 1 << 20;

export interface CopyShape {
  chunkSize?: number;
  depth?: number;
}

export const COPY_SHAPES: Record<ImageRef['kind'], CopyShape> = {
  blob: { chunkSize: 8 * MiB, depth: 8 },
  url: { chunkSize: 8 * MiB, depth: 8 },
  opfs: {},
};
