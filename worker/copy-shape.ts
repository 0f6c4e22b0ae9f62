// How large the copy pipeline's chunks are and how many are in flight, by the medium the source is
// read from. A picked File pays a browser IPC round trip and a fresh data pipe per read, and a remote
// volume an HTTP request: both move most bytes per second with large reads, several at once (the
// breakdown in docs/console.md). OPFS reads are synchronous calls in this worker: the engine's
// defaults already keep them busy. Memory is chunk × depth of Wasm buffers, whatever the image size.
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
