// A remote volume (HTTP range source) as the console reads it: every engine read is a request, so the
// file's first HEAD_BYTES come in one request on the first read inside them and are kept (opening a
// qcow2 reads its header, extensions, and usually its L1 and refcount tables there: one request
// instead of three or four per layer). The map reads L2 tables in planned spans (src/engine/read/planned-walk.ts).
import type { Extent, ImageSource } from '../src/io/source.js';
import type { HttpSource } from '../src/io/http-source.js';

export const HEAD_BYTES = 256 << 10;

export class RemoteSource implements ImageSource {
  readonly size: number;
  readonly extents?: (offset: number, length: number) => Promise<Extent[]>;
  private head?: Promise<Uint8Array>;

  /** `name`: a friendlier one than the URL (a volume's path instead of the relay URL). */
  constructor(
    private readonly inner: HttpSource,
    readonly name = inner.name,
  ) {
    this.size = inner.size;
    if (inner.extents) this.extents = inner.extents.bind(inner);
  }

  async pread(buf: Uint8Array, offset: number): Promise<number> {
    if (offset < 0 || offset + buf.length > HEAD_BYTES || buf.length === 0 || offset >= this.size)
      return this.inner.pread(buf, offset);
    if (!this.head) {
      const head = new Uint8Array(Math.min(HEAD_BYTES, this.size));
      this.head = this.inner.pread(head, 0).then(() => head);
      this.head.catch(() => (this.head = undefined)); // a failed read is not kept: the next one asks again
    }
    const bytes = (await this.head).subarray(offset, offset + buf.length);
    buf.set(bytes);
    return bytes.length;
  }

  close(): Promise<void> {
    this.head = undefined;
    return this.inner.close();
  }
}
