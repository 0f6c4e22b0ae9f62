// A Blob or File (browser file picker, drag and drop, Node's Blob). Blobs know nothing of holes, so
// there is no extents(): everything is data.
import type { ImageSource } from './source.js';
import { readLength } from './read-range.js';
import { VdiskError } from '../errors/vdisk-error.js';

/** Reads issued to Blobs (each a browser IPC round trip in Chromium) since the worker started. */
export const blobTimings = { reads: 0, readMs: 0, readBytes: 0 };

export class BlobSource implements ImageSource {
  readonly name: string;
  readonly size: number;

  constructor(
    private readonly blob: Blob,
    name?: string,
  ) {
    this.name = name ?? (blob as Partial<File>).name ?? 'blob';
    this.size = blob.size;
  }

  async pread(buf: Uint8Array, offset: number): Promise<number> {
    const want = readLength(buf, offset, this.size, this.name);
    if (want === 0) return 0;
    const bytes = await this.bytes(offset, want);
    buf.set(bytes);
    return bytes.byteLength;
  }

  /** [offset, offset + length) clipped to the Blob, in the buffer the read made: no copy. */
  async bytes(offset: number, length: number): Promise<Uint8Array> {
    let bytes: ArrayBuffer;
    const t0 = performance.now();
    try {
      bytes = await this.blob.slice(offset, offset + length).arrayBuffer();
      blobTimings.reads++;
      blobTimings.readBytes += bytes.byteLength;
      blobTimings.readMs += performance.now() - t0;
    } catch (e) {
      // A File whose underlying disk file changed or vanished fails here (NotReadableError).
      throw new VdiskError('E_IO', `read at ${offset} from ${this.name}: ${(e as Error).message}`, { path: this.name });
    }
    return new Uint8Array(bytes);
  }

  async close(): Promise<void> {}
}
