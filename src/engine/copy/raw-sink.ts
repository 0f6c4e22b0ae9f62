// A raw image as a sink: data is written at its guest offset, zeros are skipped where the target
// already reads as zeros (a new sparse file, or --target-is-zero) and written otherwise. Like
// qemu-img, the first 4 KiB of a new raw image is always allocated.
// A reused raw target (-n) stays sparse as qemu-img leaves it (its zero writes carry MAY_UNMAP, and
// file-posix punches holes): zero runs are collected and punched in batches of up to 4096 runs
// (the rest at the end), where the target can tell what was punched (ImageTarget.discard); if any of it was not (no hole support, no
// fallocate(1)), zeros are written over every run instead.
import type { ImageTarget } from '../../io/target.js';
import type { Sink } from './sink.js';
import type { ImageSource } from '../../io/source.js';

type Range = [offset: number, length: number];
const MAX_HOLES = 4096;

export class RawSink implements Sink {
  readonly unit = 1;
  readonly backed = false;
  private wroteHead = false;
  private readonly holes: Range[] = [];

  constructor(
    private readonly target: ImageTarget,
    private readonly size: number,
    private readonly isZero: boolean,
    private readonly punch = false,
  ) {}

  data(offset: number, bytes: Uint8Array): Promise<void> {
    if (offset < 4096) this.wroteHead = true;
    return this.target.pwrite(bytes, offset);
  }

  offloadFrom(src: ImageSource): 'share' | 'copy' | undefined {
    return this.target.offloadFrom?.(src);
  }

  copy(offset: number, length: number, src: ImageSource, srcOffset: number, signal?: AbortSignal): Promise<void> {
    if (offset < 4096) this.wroteHead = true;
    return this.target.copyFrom!(src, srcOffset, offset, length, signal);
  }

  zero(offset: number, length: number): Promise<void> {
    if (this.isZero) return Promise.resolve();
    if (!this.punch || !this.target.discard) return this.target.zero(offset, length);
    const last = this.holes[this.holes.length - 1];
    if (last && last[0] + last[1] === offset) last[1] += length;
    else this.holes.push([offset, length]);
    // Punched in batches, so the list stays bounded whatever the image size.
    return this.holes.length >= MAX_HOLES ? this.punchHoles() : Promise.resolve();
  }

  /** Punches the runs collected so far; where any was not punched, writes zeros over them. */
  private async punchHoles(): Promise<void> {
    const runs = this.holes.splice(0);
    if (!runs.length) return;
    const { asked, punched } = await this.target.discard!(runs);
    // Past the file's end a truncate in finish() reads as zeros; inside it, a run not punched keeps old bytes.
    if (punched < asked) for (const [o, n] of runs) await this.target.zero(o, n);
  }

  hole(offset: number, length: number): Promise<void> {
    return this.zero(offset, length);
  }

  async finish(): Promise<void> {
    await this.punchHoles();
    if (this.target.size < this.size) await this.target.truncate(this.size);
    if (!this.wroteHead && this.isZero && this.target.startsZero && this.size > 0) {
      await this.target.pwrite(new Uint8Array(Math.min(4096, this.size)), 0);
    }
  }
}
