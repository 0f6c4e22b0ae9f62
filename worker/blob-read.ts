// The source a flatten reads a picked File through, by way of reading (ImageRef's `read`):
//   byob    one Blob.stream() read with a BYOB reader into a reused buffer (the default: fastest)
//   stream  the same stream with the default reader (a fresh buffer per chunk; session 6's way)
//   sync    FileReaderSync slice reads, one at a time, blocking the worker
//   slices  Blob.slice().arrayBuffer() reads, as many in flight as the copy keeps (its depth)
// What each costs is measured by `npm run bench -- browser` (VDISK_BENCH_FILE_READS) and recorded in
// docs/console.md. Every way gives the same bytes; only speed differs.
import type { ImageSource } from '../src/io/source.js';
import { BlobSource } from '../src/io/blob-source.js';
import { StreamedBlobSource } from './streamed-blob.js';
import { SyncBlobSource } from './sync-blob.js';
import type { BlobRead } from './types.js';

export const BLOB_READS: Record<BlobRead, (blob: Blob, name?: string) => ImageSource> = {
  byob: (blob, name) => new StreamedBlobSource(blob, name, true),
  stream: (blob, name) => new StreamedBlobSource(blob, name, false),
  sync: (blob, name) => new SyncBlobSource(blob, name),
  slices: (blob, name) => new BlobSource(blob, name),
};
