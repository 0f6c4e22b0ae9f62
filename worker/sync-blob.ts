// A picked File read with FileReaderSync (dedicated workers only): each read is one synchronous
// slice read, copied into the caller's buffer. Kept for the bench's comparison of the ways to read a
// File (docs/console.md): it blocks the worker for the whole read, so reads never overlap the copy's
// zero scan and writes, and it was slower than the stream on Chromium 156.
import type { ImageSource } from '../src/io/source.js';
import { blobTimings } from '../src/io/blob-source.js';
import { readLength } from '../src/io/read-range.js';
import { VdiskError } from '../src/errors/vdisk-error.js';

interface FileReaderSyncLike {
  readAsArrayBuffer(blob: Blob): ArrayBuffer;
}

export class SyncBlobSource implements ImageSource {
  readonly name: string;
  readonly size: number;
  private readonly reader: FileReaderSyncLike;

  constructor(
    private readonly blob: Blob,
    name?: string,
  ) {
    const Sync = (globalThis as { FileReaderSync?: new () => FileReaderSyncLike }).FileReaderSync;
    if (!Sync) throw new VdiskError('E_BAD_ARGUMENT', 'FileReaderSync exists only in dedicated workers');
    this.reader = new Sync();
    this.name = name ?? (blob as Partial<File>).name ?? 'blob';
    this.size = blob.size;
  }

  async pread(buf: Uint8Array, offset: number): Promise<number> {
    const want = readLength(buf, offset, this.size, this.name);
    if (want === 0) return 0;
    const t0 = performance.now();
    let bytes: ArrayBuffer;
    try {
      bytes = this.reader.readAsArrayBuffer(this.blob.slice(offset, offset + want));
    } catch (e) {
      throw new VdiskError('E_IO', `read at ${offset} from ${this.name}: ${(e as Error).message}`, { path: this.name });
    }
    blobTimings.reads++;
    blobTimings.readBytes += bytes.byteLength;
    blobTimings.readMs += performance.now() - t0;
    buf.set(new Uint8Array(bytes));
    return bytes.byteLength;
  }

  async close(): Promise<void> {}
}
