// The in-memory source and the extent-list helpers it shares with the HTTP source.
import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../src/io/memory-source.js';
import { checkExtentList, clipExtents, pushExtent, type ZeroAwareExtent } from '../../src/io/extent-list.js';

describe('MemorySource', () => {
  const bytes = new Uint8Array(10_000).map((_, i) => i & 0xff);

  it('reads like a file: short count at the end, nothing past it, nothing after close', async () => {
    const src = new MemorySource(bytes, { name: 'mem.raw', allocatedSize: 4096 });
    const buf = new Uint8Array(4096);
    expect(await src.pread(buf, 100)).toBe(4096);
    expect(buf).toEqual(bytes.subarray(100, 4196));
    expect(await src.pread(buf, 9000)).toBe(1000);
    expect(await src.pread(buf, 10_000)).toBe(0);
    expect(await src.allocatedSize()).toBe(4096);
    await src.close();
    await expect(src.pread(buf, 0)).rejects.toMatchObject({ code: 'E_IO' });
  });

  it('reports the given extents cut to the range asked for', async () => {
    const src = new MemorySource(bytes, {
      extents: [
        { start: 0, length: 4096, data: true },
        { start: 4096, length: 5904, data: false },
      ],
    });
    expect(await src.extents!(4000, 200)).toEqual([
      { start: 4000, length: 96, data: true },
      { start: 4096, length: 104, data: false },
    ]);
    expect(await src.extents!(9000, 5000)).toEqual([{ start: 9000, length: 1000, data: false }]);
  });

  it('has no extents() unless given some, and refuses overlapping ones', () => {
    expect(new MemorySource(bytes).extents).toBeUndefined();
    const overlapping = [
      { start: 0, length: 100, data: true },
      { start: 50, length: 100, data: false },
    ];
    expect(() => new MemorySource(bytes, { extents: overlapping })).toThrow(
      expect.objectContaining({ code: 'E_BAD_ARGUMENT' }),
    );
  });
});

describe('extent lists', () => {
  it('pushExtent merges contiguous runs of the same kind only', () => {
    const out: ZeroAwareExtent[] = [];
    pushExtent(out, { start: 0, length: 10, data: true });
    pushExtent(out, { start: 10, length: 5, data: true });
    pushExtent(out, { start: 15, length: 5, data: true, zero: true });
    pushExtent(out, { start: 20, length: 0, data: false });
    pushExtent(out, { start: 30, length: 5, data: true, zero: true });
    expect(out).toEqual([
      { start: 0, length: 15, data: true },
      { start: 15, length: 5, data: true, zero: true },
      { start: 30, length: 5, data: true, zero: true },
    ]);
  });

  it('clipExtents fills gaps with data, since nothing known means it must be read', () => {
    const list = [
      { start: 100, length: 100, data: false },
      { start: 300, length: 100, data: false },
    ];
    expect(clipExtents(list, 0, 500)).toEqual([
      { start: 0, length: 100, data: true },
      { start: 100, length: 100, data: false },
      { start: 200, length: 100, data: true },
      { start: 300, length: 100, data: false },
      { start: 400, length: 100, data: true },
    ]);
    expect(clipExtents(list, 150, 160)).toEqual([{ start: 150, length: 10, data: false }]);
  });

  it('checkExtentList rejects non-integers and unsorted runs with the given code', () => {
    expect(() => checkExtentList([{ start: 0.5, length: 1, data: true }], 'x')).toThrow(/extent 0/);
    expect(() =>
      checkExtentList(
        [
          { start: 10, length: 1, data: true },
          { start: 0, length: 1, data: true },
        ],
        'x',
        'E_IO',
      ),
    ).toThrow(expect.objectContaining({ code: 'E_IO', detail: expect.objectContaining({ field: 'extents[1]' }) }));
    expect(() =>
      checkExtentList(
        [
          { start: 0, length: 1, data: true },
          { start: 1, length: 1, data: false },
        ],
        'x',
      ),
    ).not.toThrow();
  });
});
