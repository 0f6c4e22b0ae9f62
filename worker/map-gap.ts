// How far apart the map's L2 table reads may be and still be read as one span, by medium: a picked
// File pays a browser IPC round trip per read and a remote volume an HTTP request, so gaps up to
// MAX_GAP are read through; OPFS reads are cheap synchronous calls, each table alone.
import { BlobSource } from '../src/io/blob-source.js';
import { HttpSource } from '../src/io/http-source.js';
import type { ImageSource } from '../src/io/source.js';
import { MAX_GAP } from '../src/engine/read/planned-reads.js';
import { RemoteSource } from './remote-source.js';

export function mapGap(source: ImageSource): number {
  return source instanceof BlobSource || source instanceof RemoteSource || source instanceof HttpSource ? MAX_GAP : 0;
}
