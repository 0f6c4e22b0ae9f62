// A raw image as a sink: data is written at its guest offset, zeros are skipped where the target
// already reads as zeros (a new sparse file, or --target-is-zero) and written otherwise. Like
// qemu-img, the first 4 KiB of a new raw image is always allocated.
import type { ImageTarget } from '../../io/target.js';
import type { Sink } from './sink.js';

export class RawSink implements Sink {
  readonly unit = 1;
  readonly backed = false;
  private wroteHead = false;

  constructor(private readonly target: ImageTarget, private readonly size: number, private readonly isZero: boolean) {}

  data(offset: number, bytes: Uint8Array): Promise<void> {
    if (offset < 4096) this.wroteHead = true;
    return this.target.pwrite(bytes, offset);
  }

  zero(offset: number, length: number): Promise<void> {
    if (this.isZero) return Promise.resolve();
    return this.target.zero(offset, length);
  }

  hole(offset: number, length: number): Promise<void> {
    return this.zero(offset, length);
  }

  async finish(): Promise<void> {
    if (this.target.size < this.size) await this.target.truncate(this.size);
    if (!this.wroteHead && this.isZero && this.target.startsZero && this.size > 0) {
      await this.target.pwrite(new Uint8Array(Math.min(4096, this.size)), 0);
    }
  }
}
