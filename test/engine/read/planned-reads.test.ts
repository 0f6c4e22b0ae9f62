// Planned span reads: ranges merged into bounded spans, reads served from the span in hand, the
// next spans read ahead, at most AHEAD + 1 spans held (the L2 scan has its own file, l2-runs.test.ts).
import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../../src/io/memory-source.js';
import type { ImageSource } from '../../../src/io/source.js';
import { AHEAD, PlannedReadSource, planSpans } from '../../../src/engine/read/planned-reads.js';

/** A source that records each read (offset, length). */
function counting(bytes: Uint8Array): ImageSource & { log: [number, number][] } {
  const inner = new MemorySource(bytes);
  const log: [number, number][] = [];
  return {
    name: 'counted',
    size: bytes.length,
    log,
    pread: (b, o) => {
      log.push([o, b.length]);
      return inner.pread(b, o);
    },
    close: async () => {},
  };
}

describe('planned span reads', () => {
  it('merges ranges closer than the gap, up to the span limit', () => {
    expect(
      planSpans(
        [
          [300, 10],
          [0, 10],
          [20, 10],
          [1000, 10],
        ],
        2000,
        100,
        50,
      ),
    ).toEqual([
      { start: 0, end: 30 },
      { start: 300, end: 310 },
      { start: 1000, end: 1010 },
    ]);
    expect(
      planSpans(
        [
          [0, 60],
          [60, 60],
        ],
        2000,
        100,
        50,
      ),
    ).toEqual([
      { start: 0, end: 60 },
      { start: 60, end: 120 },
    ]);
    expect(planSpans([[1990, 64]], 2000)).toEqual([{ start: 1990, end: 2000 }]); // clipped at the end of the file
  });

  it('serves reads inside the plan from its spans and passes the others through', async () => {
    const bytes = new Uint8Array(4096).map((_, i) => i & 0xff);
    const src = new PlannedReadSource(
      new MemorySource(bytes),
      planSpans(
        [
          [100, 50],
          [200, 50],
          [3000, 10],
        ],
        bytes.length,
        1024,
        100,
      ),
    );
    const read = async (off: number, len: number) => {
      const b = new Uint8Array(len);
      await src.pread(b, off);
      return b;
    };
    expect(await read(120, 100)).toEqual(bytes.subarray(120, 220));
    expect(await read(3000, 10)).toEqual(bytes.subarray(3000, 3010));
    expect(src.reads).toBe(2);
    expect(await read(240, 100)).toEqual(bytes.subarray(240, 340)); // crosses the span's end
    expect(src.reads).toBe(3);
    expect(await src.view(240, 100)).toBeUndefined();
    expect(await src.view(3002, 4)).toEqual(bytes.subarray(3002, 3006));
  });

  it('reads AHEAD spans ahead of the one in hand, each once, and lets the walked ones go', async () => {
    const bytes = new Uint8Array(64 << 10).map((_, i) => (i * 7) & 0xff);
    const inner = counting(bytes);
    const ranges: [number, number][] = Array.from({ length: 16 }, (_, i) => [i * 4096, 512]);
    const src = new PlannedReadSource(inner, planSpans(ranges, bytes.length, 1024, 0));
    expect(await src.view(0, 512)).toEqual(bytes.subarray(0, 512));
    expect(inner.log.length).toBe(1 + AHEAD); // the span in hand and the next ones
    for (const [o, l] of ranges) expect(await src.view(o + 8, l - 8)).toEqual(bytes.subarray(o + 8, o + l));
    expect(inner.log.map(([o]) => o)).toEqual(ranges.map(([o]) => o)); // every span read once, in order
    expect((src as unknown as { loaded: Map<number, unknown> }).loaded.size).toBeLessThanOrEqual(AHEAD + 1);
  });
});
