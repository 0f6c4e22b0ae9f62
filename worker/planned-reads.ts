// Reads known in advance, done as few large reads. A picked File pays a browser IPC round trip per
// read (~0.9 ms for 64 KiB in Chromium, whatever the size up to a few hundred KiB; 16 MiB reads move
// about 1 GiB/s), so the map picture's one-read-per-L2-table costs seconds on a multi-TiB image. The
// map path knows every L2 table it will read (from the L1 table) and walks them in file order; this
// source groups those tables into spans (tables close together read as one, the bytes between them
// included) and serves the engine's reads from the span in hand: in a worker a Blob's span is read
// with FileReaderSync (one span held), elsewhere asynchronously with AHEAD spans loading meanwhile
// (at most AHEAD + 2 spans held, MAX_SPAN each). Reads outside the plan go straight to the source.
import type { ImageSource } from '../src/io/source.js';
import { BlobSource } from '../src/io/blob-source.js';

/** Largest span read at once. */
export const MAX_SPAN = 8 << 20;
/** Spans loaded ahead of the one the engine is reading (reads overlap in the browser). */
export const AHEAD = 2;
/**
 * Largest gap between two planned ranges that is read rather than skipped: reading 256 KiB more
 * costs about what one more read call does.
 */
export const MAX_GAP = 256 << 10;

interface Span { start: number; end: number }

/** Sorted, merged spans covering `ranges` ([offset, length] in any order). */
export function planSpans(ranges: [number, number][], size: number, maxSpan = MAX_SPAN, maxGap = MAX_GAP): Span[] {
  const sorted = ranges
    .map(([o, l]) => ({ start: o, end: Math.min(o + l, size) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const spans: Span[] = [];
  for (const r of sorted) {
    const cur = spans[spans.length - 1];
    if (cur && r.start - cur.end <= maxGap && Math.max(cur.end, r.end) - cur.start <= maxSpan) cur.end = Math.max(cur.end, r.end);
    else spans.push({ ...r });
  }
  return spans;
}

export class PlannedReadSource implements ImageSource {
  readonly name: string;
  readonly size: number;
  private readonly loaded = new Map<number, Promise<Uint8Array>>();
  /** Reads issued to the underlying source (spans and pass-through reads). */
  reads = 0;

  constructor(private readonly inner: ImageSource, private readonly spans: Span[]) {
    this.name = inner.name;
    this.size = inner.size;
  }

  async pread(buf: Uint8Array, offset: number): Promise<number> {
    const i = this.spanOf(offset, offset + buf.length);
    if (i < 0) {
      this.reads++;
      return this.inner.pread(buf, offset);
    }
    const span = this.spans[i]!;
    const sync = this.loadSync(i);
    if (sync) {
      buf.set(sync.subarray(offset - span.start, offset - span.start + buf.length));
      return buf.length;
    }
    const data = this.load(i);
    for (let k = i + 1; k <= i + AHEAD && k < this.spans.length; k++) this.load(k).catch(() => undefined); // the next spans meanwhile
    for (const k of this.loaded.keys()) if (k < i - 1 || k > i + AHEAD) this.loaded.delete(k);
    const bytes = await data;
    buf.set(bytes.subarray(offset - span.start, offset - span.start + buf.length));
    return buf.length;
  }

  async close(): Promise<void> {
    this.loaded.clear();
  }

  /** The span holding all of [lo, hi), or -1. */
  private spanOf(lo: number, hi: number): number {
    let a = 0;
    let b = this.spans.length - 1;
    while (a <= b) {
      const m = (a + b) >> 1;
      const s = this.spans[m]!;
      if (lo < s.start) b = m - 1;
      else if (lo >= s.end) a = m + 1;
      else return hi <= s.end ? m : -1;
    }
    return -1;
  }

  /** FileReaderSync where the source is a Blob in a worker: the span in hand only (nothing ahead). */
  private readonly syncSpans = new Map<number, Uint8Array>();
  private loadSync(i: number): Uint8Array | undefined {
    if (!(this.inner instanceof BlobSource)) return undefined;
    let bytes = this.syncSpans.get(i);
    if (!bytes) {
      const s = this.spans[i]!;
      bytes = this.inner.readSync(s.start, s.end - s.start);
      if (!bytes) return undefined;
      this.reads++;
      this.syncSpans.clear();
      this.syncSpans.set(i, bytes);
    }
    return bytes;
  }

  private load(i: number): Promise<Uint8Array> {
    let p = this.loaded.get(i);
    if (!p) {
      const s = this.spans[i]!;
      this.reads++;
      p = readFully(this.inner, new Uint8Array(s.end - s.start), s.start);
      this.loaded.set(i, p);
    }
    return p;
  }
}

async function readFully(src: ImageSource, buf: Uint8Array, offset: number): Promise<Uint8Array> {
  for (let done = 0; done < buf.length; ) {
    const n = await src.pread(buf.subarray(done), offset + done);
    if (n <= 0) {
      buf.fill(0, done);
      break;
    }
    done += n;
  }
  return buf;
}
