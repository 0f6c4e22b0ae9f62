// Reads known in advance, done as few large reads. A picked File pays a browser IPC round trip per
// read (~0.7 ms whatever the size up to a few hundred KiB; large reads move 0.7–1 GiB/s) and a remote
// volume an HTTP request, so one read per L2 table costs seconds on a multi-TiB image. The map knows
// every L2 table it will read (from the L1 table) and walks them in file order: this source groups
// them into spans (tables close together read as one, the bytes between included) and reads AHEAD
// spans while the engine works on the one in hand, so reading and walking overlap. At most
// AHEAD + 1 spans of MAX_SPAN are held. Reads outside the plan go straight to the source.
import type { ImageSource } from '../../io/source.js';
import { BlobSource } from '../../io/blob-source.js';

/** Largest span read at once (one Blob slice, one Range request). */
export const MAX_SPAN = 8 << 20;
/** Spans read ahead of the one in hand: three keep a Blob's reads busy while the walk runs. */
export const AHEAD = 3;
/** Largest gap read through rather than skipped: 256 KiB more costs about what one more read does. */
export const MAX_GAP = 256 << 10;

export interface Span {
  start: number;
  end: number;
}

/**
 * What the planned walks of this worker did: span reads, bytes, the time they waited on reads, and the
 * time spent scanning L2 tables and in the engine (the engine's time includes its reads' waits).
 */
export const plannedTimings = { reads: 0, readBytes: 0, waitMs: 0, scanMs: 0, engineMs: 0 };

/** Sorted, merged spans covering `ranges` ([offset, length] in any order). */
export function planSpans(ranges: [number, number][], size: number, maxSpan = MAX_SPAN, maxGap = MAX_GAP): Span[] {
  const sorted = ranges
    .map(([o, l]) => ({ start: o, end: Math.min(o + l, size) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const spans: Span[] = [];
  for (const r of sorted) {
    const cur = spans[spans.length - 1];
    if (cur && r.start - cur.end <= maxGap && Math.max(cur.end, r.end) - cur.start <= maxSpan)
      cur.end = Math.max(cur.end, r.end);
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

  constructor(
    private readonly inner: ImageSource,
    private readonly spans: Span[],
    private readonly ahead = AHEAD,
  ) {
    this.name = inner.name;
    this.size = inner.size;
  }

  /** [offset, offset + length) as a view into its span when the plan holds it whole, else undefined. */
  async view(offset: number, length: number): Promise<Uint8Array | undefined> {
    const i = this.spanOf(offset, offset + length);
    if (i < 0) return undefined;
    for (const k of this.loaded.keys()) if (k < i || k > i + this.ahead) this.loaded.delete(k); // the walk goes forward
    const data = this.load(i);
    for (let k = i + 1; k <= i + this.ahead && k < this.spans.length; k++) this.load(k).catch(() => undefined); // surfaces when awaited
    const t0 = performance.now();
    const bytes = await data;
    plannedTimings.waitMs += performance.now() - t0;
    const at = offset - this.spans[i]!.start;
    return at + length <= bytes.length ? bytes.subarray(at, at + length) : undefined; // a short read: ask the source
  }

  async pread(buf: Uint8Array, offset: number): Promise<number> {
    const v = await this.view(offset, buf.length);
    if (!v) {
      this.reads++;
      return this.inner.pread(buf, offset);
    }
    buf.set(v);
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

  private load(i: number): Promise<Uint8Array> {
    let p = this.loaded.get(i);
    if (!p) {
      const s = this.spans[i]!;
      this.reads++;
      plannedTimings.reads++;
      plannedTimings.readBytes += s.end - s.start;
      // A Blob hands over the buffer its read made; anything else reads into one of ours.
      p =
        this.inner instanceof BlobSource
          ? this.inner.bytes(s.start, s.end - s.start)
          : readFully(this.inner, new Uint8Array(s.end - s.start), s.start);
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
