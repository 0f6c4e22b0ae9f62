// A volume's extents (from the agent, guest view: data, zero, hole) folded into `n` equal slices of
// the virtual size for the cluster map picture: bytes of data, zero and unallocated per slice, and
// the totals. Pure, so the picture and its text alternative agree and can be tested.
export interface Extent {
  start: number;
  length: number;
  zero: boolean;
  hole: boolean;
}
export interface Buckets {
  slices: { data: number; zero: number; hole: number }[];
  totals: { data: number; zero: number; hole: number };
}

export function bucketExtents(extents: Extent[], size: number, n: number): Buckets {
  const slices = Array.from({ length: n }, () => ({ data: 0, zero: 0, hole: 0 }));
  const totals = { data: 0, zero: 0, hole: 0 };
  const width = size / n;
  for (const e of extents) {
    const kind = e.hole ? 'hole' : e.zero ? 'zero' : 'data';
    const end = Math.min(size, e.start + e.length);
    if (end <= e.start) continue;
    totals[kind] += end - e.start;
    for (let i = Math.floor(e.start / width); i < n && i * width < end; i++) {
      const lo = Math.max(e.start, i * width),
        hi = Math.min(end, (i + 1) * width);
      if (hi > lo) slices[i]![kind] += hi - lo;
    }
  }
  return { slices, totals };
}
