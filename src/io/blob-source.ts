// A Blob or File (browser file picker, drag and drop, Node's Blob). Blobs know nothing of holes, so
// there is no extents(): everything is data.
import type { ImageSource } from './source.js';
import { readLength } from './read-range.js';
import { VdiskError } from '../errors/vdisk-error.js';

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
    let bytes: ArrayBuffer;
    try {
      bytes = await this.blob.slice(offset, offset + want).arrayBuffer();
    } catch (e) {
      // A File whose underlying disk file changed or vanished fails here (NotReadableError).
      throw new VdiskError('E_IO', `read at ${offset} from ${this.name}: ${(e as Error).message}`, { path: this.name });
    }
    buf.set(new Uint8Array(bytes));
    return bytes.byteLength;
  }

  async close(): Promise<void> {}
}
