// The volume view's cluster map: extents folded into slices, bytes kept exactly in the totals and
// split across slice boundaries.
import { describe, expect, it } from 'vitest';
import { bucketExtents } from '../../../web/details/extent-buckets.js';

describe('bucketExtents', () => {
  it('splits extents across slices and sums each kind', () => {
    const b = bucketExtents(
      [
        { start: 0, length: 150, zero: false, hole: false },
        { start: 150, length: 50, zero: true, hole: false },
        { start: 200, length: 200, zero: true, hole: true },
      ],
      400,
      4,
    );
    expect(b.totals).toEqual({ data: 150, zero: 50, hole: 200 });
    expect(b.slices).toEqual([
      { data: 100, zero: 0, hole: 0 },
      { data: 50, zero: 50, hole: 0 },
      { data: 0, zero: 0, hole: 100 },
      { data: 0, zero: 0, hole: 100 },
    ]);
  });

  it('ignores what lies past the virtual size', () => {
    expect(bucketExtents([{ start: 300, length: 500, zero: false, hole: false }], 400, 2).totals).toEqual({
      data: 100,
      zero: 0,
      hole: 0,
    });
  });
});
