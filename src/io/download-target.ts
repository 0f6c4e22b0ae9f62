// A target that is a byte stream (the save-file picker's writable, or any WritableStream): bytes must
// come strictly in order. Operations run one after another in the order they were called (a copier
// issues them in offset order even when it lets them complete out of order), gaps are filled with
// zeros, and a write behind the stream's position is refused. Enough for a raw flatten.
import { VdiskError } from '../errors/vdisk-error.js';
import type { ImageTarget } from './target.js';

const ZERO_CHUNK = 1 << 20;

export class DownloadTarget implements ImageTarget {
  readonly startsZero = true;
  private pos = 0;
  private tail: Promise<void> = Promise.resolve();
  private failed?: unknown;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;

  constructor(
    stream: WritableStream<Uint8Array>,
    readonly name: string,
  ) {
    this.writer = stream.getWriter();
  }

  get size(): number {
    return this.pos;
  }

  pwrite(buf: Uint8Array, offset: number): Promise<void> {
    // Copied now: the caller's buffer is often a view onto Wasm memory, reused once this returns.
    const copy = buf.slice();
    return this.enqueue(async () => {
      await this.fillTo(offset);
      await this.writer.write(copy);
      this.pos += copy.length;
    });
  }

  zero(offset: number, length: number): Promise<void> {
    return this.enqueue(() => this.fillTo(offset + length));
  }

  truncate(size: number): Promise<void> {
    return this.enqueue(() => this.fillTo(size));
  }

  flush(): Promise<void> {
    return this.enqueue(async () => {
      await this.writer.ready;
    });
  }

  commit(): Promise<void> {
    return this.enqueue(() => this.writer.close());
  }

  async abort(): Promise<void> {
    this.failed ??= new VdiskError('E_CANCELLED', `${this.name} was not finished`);
    await this.writer.abort(this.failed).catch(() => undefined);
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    const run = async () => {
      if (this.failed) throw this.failed;
      try {
        await op();
      } catch (e) {
        this.failed ??= e;
        throw e;
      }
    };
    const p = this.tail.then(run, run);
    this.tail = p.catch(() => undefined);
    return p;
  }

  private async fillTo(offset: number): Promise<void> {
    if (offset < this.pos) {
      throw new VdiskError(
        'E_TARGET_NOT_SEEKABLE',
        `${this.name} is a stream at byte ${this.pos}; cannot write at ${offset}`,
        {
          path: this.name,
          offset,
          hint: 'write into the private file system instead, then download the file',
        },
      );
    }
    while (this.pos < offset) {
      const n = Math.min(ZERO_CHUNK, offset - this.pos);
      await this.writer.write(new Uint8Array(n));
      this.pos += n;
    }
  }
}
