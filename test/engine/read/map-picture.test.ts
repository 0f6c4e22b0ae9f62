// Bucketing of block-status runs for the map picture: runs split at bucket edges, kinds from flags.
import { describe, expect, it } from 'vitest';
import { addRun, kindOf } from '../../../src/engine/read/map-picture.js';
import { RUN } from '../../../src/engine/read/block-status.js';

const run = (start: number, length: number, flags: number, depth = 0) => ({
  start,
  length,
  flags,
  depth,
  host: 0,
  slot: 0,
});

describe('map picture buckets', () => {
  it('classifies runs by flags and depth', () => {
    expect(kindOf(run(0, 1, RUN.ALLOCATED | RUN.DATA))).toBe(0);
    expect(kindOf(run(0, 1, RUN.ALLOCATED | RUN.ZERO))).toBe(1);
    expect(kindOf(run(0, 1, 0))).toBe(2);
    expect(kindOf(run(0, 1, RUN.ALLOCATED | RUN.DATA, 1))).toBe(2); // a lower layer's, not this one's
    expect(kindOf(run(0, 1, RUN.ALLOCATED | RUN.DATA | RUN.COMPRESSED))).toBe(3);
  });
  it('splits a run over the buckets it crosses', () => {
    const row = new Float64Array(4 * 4);
    addRun(row, 4, 100, run(50, 200, RUN.ALLOCATED | RUN.DATA), 0);
    expect([row[0], row[4], row[8], row[12]]).toEqual([50, 100, 50, 0]);
  });
});
