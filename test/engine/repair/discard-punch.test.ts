// The Node file target's discard (fallocate(2) PUNCH_HOLE through koffi, no process spawned):
// punched ranges read as zeros, stop counting in st_blocks, and the file keeps its size.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { coalesce, punchHoles } from '../../../src/io/punch-hole.js';
import { NodeFileTarget } from '../../../src/io/node-file-target.js';
import { noise } from '../../fixtures/fixture.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';

const K64 = 65536;
let root: string;

describe('punching holes', () => {
  beforeAll(() => {
    root = makeScratchDir('punch');
  });
  afterAll(() => removeScratchDir(root));

  test('coalesce merges touching and overlapping ranges, in order', () => {
    expect(
      coalesce([
        [100, 10],
        [0, 50],
        [50, 10],
        [105, 20],
        [200, 0],
      ]),
    ).toEqual([
      [0, 60],
      [100, 25],
    ]);
  });

  for (const count of [3, 20]) {
    test(`${count} ranges (${count > 8 ? 'touching ones merged' : 'apart'}): zeros, fewer blocks, same size`, async () => {
      const dir = join(root, `n${count}`);
      mkdirSync(dir);
      const path = join(dir, 'f.raw');
      writeFileSync(path, noise(2 * count * K64, count));
      const before = statSync(path).blocks * 512;
      const ranges: [number, number][] = Array.from({ length: count }, (_, i) => [2 * i * K64, K64]);
      if (count > 8) ranges.push([K64 / 2, K64 / 2], [2 * K64, K64 / 4]); // inside others: merged, not counted twice
      expect(await punchHoles(path, ranges)).toBe(count * K64);
      const buf = readFileSync(path);
      expect(buf.length).toBe(2 * count * K64);
      for (const [o, n] of ranges) expect(buf.subarray(o, o + n).every((b) => b === 0)).toBe(true);
      expect(buf.subarray(K64, 2 * K64).some((b) => b !== 0)).toBe(true);
      expect(before - statSync(path).blocks * 512).toBeGreaterThanOrEqual(count * K64 * 0.9);
    });
  }

  test('NodeFileTarget.discard stops at the end of the file', async () => {
    const path = join(root, 't.raw');
    writeFileSync(path, noise(4 * K64, 7));
    const t = await NodeFileTarget.create(path, { reuse: true });
    await t.discard([[3 * K64, 8 * K64]]);
    await t.commit();
    expect(statSync(path).size).toBe(4 * K64);
    expect(
      readFileSync(path)
        .subarray(3 * K64)
        .every((b) => b === 0),
    ).toBe(true);
  });
});
