// A raw image as a sink: data is written at its guest offset, zeros are skipped where the target
// already reads as zeros (a new sparse file, or --target-is-zero) and written otherwise. Like
// qemu-img, the first 4 KiB of a new raw image is always allocated.
// A reused raw target (-n) stays sparse as qemu-img leaves it (its zero writes carry MAY_UNMAP, and
// file-posix punches holes): zero runs are collected and punched in one go at the end, where the
// target can tell what was punched (NodeFileTarget.discardRanges); if any of it was not (no hole
// support, no fallocate(1)), zeros are written over every run instead.
import type { ImageTarget } from '../../io/target.js';
import type { Sink } from './sink.js';

type Range = [offset: number, length: number];
/** A target that punches holes and says how much of it succeeded. */
export interface HolePuncher { discardRanges(ranges: Range[]): Promise<{ asked: number; punched: number }> }

export function holePuncher(t: ImageTarget): HolePuncher | undefined {
  return typeof (t as Partial<HolePuncher>).discardRanges === 'function' ? (t as unknown as HolePuncher) : undefined;
}

export class RawSink implements Sink {
  readonly unit = 1;
  readonly backed = false;
  private wroteHead = false;
  private readonly holes: Range[] = [];

  constructor(private readonly target: ImageTarget, private readonly size: number, private readonly isZero: boolean, private readonly punch?: HolePuncher) {}

  data(offset: number, bytes: Uint8Array): Promise<void> {
    if (offset < 4096) this.wroteHead = true;
    return this.target.pwrite(bytes, offset);
  }

  zero(offset: number, length: number): Promise<void> {
    if (this.isZero) return Promise.resolve();
    if (!this.punch) return this.target.zero(offset, length);
    const last = this.holes[this.holes.length - 1];
    if (last && last[0] + last[1] === offset) last[1] += length;
    else this.holes.push([offset, length]);
    return Promise.resolve();
  }

  hole(offset: number, length: number): Promise<void> {
    return this.zero(offset, length);
  }

  async finish(): Promise<void> {
    if (this.holes.length) {
      const { asked, punched } = await this.punch!.discardRanges(this.holes);
      // Past the file's end a truncate below reads as zeros; inside it, a range not punched keeps old bytes.
      if (punched < asked) for (const [o, n] of this.holes) await this.target.zero(o, n);
    }
    if (this.target.size < this.size) await this.target.truncate(this.size);
    if (!this.wroteHead && this.isZero && this.target.startsZero && this.size > 0) {
      await this.target.pwrite(new Uint8Array(Math.min(4096, this.size)), 0);
    }
  }
}
