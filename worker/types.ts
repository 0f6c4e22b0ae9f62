// What crosses the worker boundary: plain, structured-cloneable descriptions of images, targets,
// progress and results. No class instances (they lose their prototype on the way).
import type { ImageFormat } from '../src/engine/read/gate.js';

/** Ways a flatten reads a picked File (worker/blob-read.ts). */
export type BlobRead = 'byob' | 'stream' | 'sync' | 'slices';

/** Where an image comes from. The worker opens it (and, through a gate, its backing chain). */
export type ImageRef =
  /**
   * Picked or dropped files: `files[top]` is the image; the others may be its backing layers. `read`:
   * how a flatten reads the top file (default 'byob'; the others are kept for the bench, blob-read.ts).
   */
  | { kind: 'blob'; files: Blob[]; names: string[]; top: number; format?: ImageFormat; read?: BlobRead }
  /** A file in the origin private file system, by slash-separated path. */
  | { kind: 'opfs'; path: string; format?: ImageFormat }
  /** An HTTP range URL (e.g. the gateway's volume data relay); `backing` maps resolved names to URLs. */
  | {
      kind: 'url';
      url: string;
      name?: string;
      extentsUrl?: string;
      headers?: Record<string, string>;
      backing?: Record<string, UrlLayer>;
      format?: ImageFormat;
    };

export interface UrlLayer {
  url: string;
  extentsUrl?: string;
}

export interface Progress {
  phase: string;
  done: number;
  total: number;
}

export type ProgressFn = (p: Progress) => void;

export interface LayerSummary {
  name: string;
  format: 'raw' | 'qcow2';
  virtualSize: number;
  fileSize: number;
  clusterSize?: number;
  backingName?: string;
  backingFormat?: string;
}

export interface ImageSummary {
  name: string;
  virtualSize: number;
  flavor: 'simd' | 'scalar';
  /** Top first, as qemu-img info --backing-chain lists them. */
  layers: LayerSummary[];
  /** qemu-img info --output=json --backing-chain, key for key. */
  info: unknown[];
}

/** Categories of the cluster map, in drawing order. */
export const MAP_KINDS = ['data', 'zero', 'unallocated', 'compressed'] as const;
export type MapKind = (typeof MAP_KINDS)[number];

/** The map picture (the engine's, src/engine/read/map-picture.ts). */
export type { MapPicture } from '../src/engine/read/map-picture.js';

export type TargetRef =
  /** A new file in OPFS (replaced when it exists). */
  | { kind: 'opfs'; path: string }
  /** A byte stream (the save-file picker's writable, or any sink): written strictly in order. */
  | { kind: 'stream'; stream: WritableStream<Uint8Array>; name: string };

export interface ConvertRequest {
  targetFormat: 'raw' | 'qcow2';
  /** Runs of zeros this long inside data become holes (qemu-img -S); 0 disables. */
  sparseSize?: number;
}

export interface ConvertResult {
  bytesRead: number;
  bytesWritten: number;
  virtualSize: number;
}

export interface WorkerStats {
  flavor: 'simd' | 'scalar';
  memoryInUse: number;
  /** The engine's linear memory (it only grows): what the Wasm side holds of the tab's memory. */
  wasmBytes: number;
  openImages: number;
  running: string[];
  /** Time spent in OPFS sync-handle calls since the worker started. */
  opfs: { readMs: number; readBytes: number; writeMs: number; writeBytes: number; truncateMs: number; flushMs: number };
  /** Reads of picked files (Blob/File) since the worker started: count, bytes and time waited. */
  blob: { reads: number; readMs: number; readBytes: number };
  /** HTTP requests of remote volumes (every attempt) since the worker started. */
  http: { requests: number };
  /** The map's planned walks: span reads, bytes, time waited on them, L2 scan and engine time. */
  planned: { reads: number; readBytes: number; waitMs: number; scanMs: number; engineMs: number };
  /** When the worker's steps happened (ms since the epoch): init, wasm-ready, open-*, map-*. */
  marks: Record<string, number>;
}
