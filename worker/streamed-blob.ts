// A picked File read as one stream where the copy reads it in order. Every Blob.slice() read costs a
// browser IPC round trip and a fresh data pipe; the Blob's stream() is one pipe the browser keeps
// full, which spends about half the browser-process and a quarter less renderer CPU per byte (the
// breakdown in docs/console.md). Reads at or past the end of the reads queued so far wait their turn
// on the stream and are filled straight from its chunks (a read far ahead starts a new stream there);
// a read behind them is an ordinary slice read, so the bytes are the same whatever the order.
// Where the Blob's stream is a byte stream (Chromium, Node 20) it is read with a BYOB reader into one
// reused buffer: with the default reader every chunk is a fresh ArrayBuffer, and reading 1 GiB took
// 1.5–3× as long (docs/console.md). Wasm memory cannot be the reader's buffer (a BYOB read transfers
// its buffer, and a WebAssembly.Memory's cannot be detached), so each chunk is copied once into it.
import type { ImageSource } from '../src/io/source.js';
import { BlobSource, blobTimings } from '../src/io/blob-source.js';
import { readLength } from '../src/io/read-range.js';
import { VdiskError } from '../src/errors/vdisk-error.js';

/** Bytes the stream reads through (and drops) to reach a read rather than starting a new stream. */
export const MAX_SKIP = 1 << 20;
/** The BYOB reader's buffer; Chromium fills about 100–200 KiB of it per read. */
export const BYOB_BYTES = 2 << 20;

type Reader = ReadableStreamDefaultReader<Uint8Array> | ReadableStreamBYOBReader;

export class StreamedBlobSource implements ImageSource {
  readonly name: string;
  readonly size: number;
  private readonly slices: BlobSource;
  private reader?: Reader;
  /** The BYOB reader's buffer (each read transfers it and gives it back in its result). */
  private scratch?: ArrayBuffer;
  /** Offset of the next byte the stream gives (the head of `left`). */
  private pos = 0;
  private left: Uint8Array = new Uint8Array(0);
  /** End of the last read queued on the stream, and the queue itself. */
  private tail = 0;
  private queue: Promise<unknown> = Promise.resolve();

  /** `byob`: false reads with the default reader (fresh chunks), as the bench compares. */
  constructor(
    private readonly blob: Blob,
    name?: string,
    private readonly byob = true,
  ) {
    this.slices = new BlobSource(blob, name);
    this.name = this.slices.name;
    this.size = this.slices.size;
  }

  async pread(buf: Uint8Array, offset: number): Promise<number> {
    const want = readLength(buf, offset, this.size, this.name);
    if (want === 0) return 0;
    if (offset < this.tail) return this.slices.pread(buf, offset);
    this.tail = offset + want;
    const p = this.queue.then(() => this.fill(buf.subarray(0, want), offset));
    this.queue = p.catch(() => undefined);
    return p;
  }

  private async fill(buf: Uint8Array, offset: number): Promise<number> {
    if (!this.reader || offset < this.pos || offset - this.pos > MAX_SKIP) this.restart(offset);
    let done = 0;
    while (done < buf.length) {
      if (this.left.length === 0 && !(await this.next())) break;
      const skip = Math.min(this.left.length, offset + done - this.pos); // bytes before the read, dropped
      if (skip > 0) {
        this.consume(skip);
        continue;
      }
      const n = Math.min(this.left.length, buf.length - done);
      buf.set(this.left.subarray(0, n), done);
      this.consume(n);
      done += n;
    }
    return done;
  }

  private restart(offset: number): void {
    void this.reader?.cancel().catch(() => undefined);
    const stream = this.blob.slice(offset).stream();
    this.reader = this.byob ? byobReader(stream) : undefined;
    this.reader ??= stream.getReader();
    this.pos = offset;
    this.left = new Uint8Array(0);
    blobTimings.reads++;
  }

  private consume(n: number): void {
    this.left = this.left.subarray(n);
    this.pos += n;
  }

  /** The stream's next chunk into `left`; false at its end. */
  private async next(): Promise<boolean> {
    const t0 = performance.now();
    try {
      const r = await this.read();
      blobTimings.readMs += performance.now() - t0;
      if (r.done || !r.value) return false;
      this.left = r.value;
      blobTimings.readBytes += r.value.length;
      return true;
    } catch (e) {
      // A File whose disk file changed or vanished fails here (NotReadableError), as a slice read would.
      throw new VdiskError('E_IO', `read at ${this.pos} from ${this.name}: ${(e as Error).message}`, {
        path: this.name,
      });
    }
  }

  private read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    const reader = this.reader!;
    if (!isByob(reader)) return reader.read();
    // Only called once `left` (a view of the buffer) is used up, so the buffer can be handed over.
    const buf = this.scratch && this.scratch.byteLength > 0 ? this.scratch : new ArrayBuffer(BYOB_BYTES);
    return reader.read(new Uint8Array(buf)).then((r) => {
      if (r.value) this.scratch = r.value.buffer as ArrayBuffer;
      return r;
    });
  }

  async close(): Promise<void> {
    await this.reader?.cancel().catch(() => undefined);
    this.reader = undefined;
  }
}

const isByob = (r: Reader): r is ReadableStreamBYOBReader => r instanceof ReadableStreamBYOBReader;

/** A BYOB reader where the stream is a byte stream; undefined where it is not. */
function byobReader(stream: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | undefined {
  try {
    return stream.getReader({ mode: 'byob' });
  } catch {
    return undefined;
  }
}
