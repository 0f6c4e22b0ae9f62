// A target that is a byte stream (the save-file picker's writable, or any WritableStream): bytes must
// come strictly in order, so gaps are filled with zeros and a write behind the stream's position is
// refused. Enough for a raw flatten, which visits the guest space once, start to end.
import { VdiskError } from '../errors/vdisk-error.js';
import type { ImageTarget } from './target.js';

const ZERO_CHUNK = 1 << 20;

export class DownloadTarget implements ImageTarget {
  readonly startsZero = true;
  private pos = 0;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;

  constructor(stream: WritableStream<Uint8Array>, readonly name: string) {
    this.writer = stream.getWriter();
  }

  get size(): number {
    return this.pos;
  }

  async pwrite(buf: Uint8Array, offset: number): Promise<void> {
    await this.fillTo(offset);
    // A copy: the caller's buffer is often a view onto Wasm memory, reused for the next read.
    await this.writer.write(buf.slice());
    this.pos += buf.length;
  }

  async zero(offset: number, length: number): Promise<void> {
    await this.fillTo(offset + length);
  }

  async truncate(size: number): Promise<void> {
    await this.fillTo(size);
  }

  async flush(): Promise<void> {
    await this.writer.ready;
  }

  async commit(): Promise<void> {
    await this.writer.close();
  }

  async abort(): Promise<void> {
    await this.writer.abort(new VdiskError('E_CANCELLED', `${this.name} was not finished`)).catch(() => undefined);
  }

  private async fillTo(offset: number): Promise<void> {
    if (offset < this.pos) {
      throw new VdiskError('E_TARGET_NOT_SEEKABLE', `${this.name} is a stream at byte ${this.pos}; cannot write at ${offset}`, {
        path: this.name, offset, hint: 'write into the private file system instead, then download the file',
      });
    }
    while (this.pos < offset) {
      const n = Math.min(ZERO_CHUNK, offset - this.pos);
      await this.writer.write(new Uint8Array(n));
      this.pos += n;
    }
  }
}
