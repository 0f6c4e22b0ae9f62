// The file source's holes must be the ones qemu-img finds in the same raw file (SEEK_DATA/SEEK_HOLE).
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeFileSource } from '../../src/io/node-file-source.js';
import type { Extent } from '../../src/io/source.js';
import { requireTool } from '../helpers/tools.js';
import { filled, makeSparseFile, makeTempDir, qemuRawExtents } from './helpers/sparse-files.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const TiB = 1024 * 1024 * MiB;

let tmp: ReturnType<typeof makeTempDir>;
beforeAll(() => {
  requireTool('qemu-img');
  tmp = makeTempDir();
});
afterAll(() => tmp?.remove());

async function extentsOf(path: string, offset = 0, length?: number): Promise<Extent[]> {
  const src = await NodeFileSource.open(path);
  try {
    return await src.extents(offset, length ?? src.size);
  } finally {
    await src.close();
  }
}

// Layouts: [name, file size, writes]. Sizes and offsets chosen to hit leading, inner and trailing
// holes, trailing data, a size that is not a multiple of 512 and a file with no holes at all.
const layouts: Array<[string, number, Array<[number, Uint8Array]>]> = [
  ['all hole', 1 * MiB, []],
  ['data at the start only', 2 * MiB, [[0, filled(4 * KiB)]]],
  ['data at the end only', 2 * MiB, [[2 * MiB - 4 * KiB, filled(4 * KiB)]]],
  [
    'scattered runs',
    8 * MiB,
    [
      [64 * KiB, filled(128 * KiB)],
      [3 * MiB, filled(1)],
      [8 * MiB - 1, filled(1)],
    ],
  ],
  ['odd size with data in the middle', 10000, [[5000, filled(3)]]],
  ['odd size ending in data', 1000, [[999, filled(1)]]],
  ['no holes', 12 * KiB, [[0, filled(12 * KiB)]]],
];

describe('NodeFileSource.extents against qemu-img map', () => {
  it.each(layouts)('%s', async (name, size, writes) => {
    const path = join(tmp.dir, name.replaceAll(' ', '-'));
    makeSparseFile(path, size, writes);
    const ours = await extentsOf(path);
    expect(ours).toEqual(qemuRawExtents(path, size));
    // The runs tile the file exactly.
    expect(ours.reduce((n, e) => n + e.length, 0)).toBe(size);
  });

  it('reports an empty file as no runs, as qemu-img does', async () => {
    const path = join(tmp.dir, 'empty');
    makeSparseFile(path, 0);
    expect(await extentsOf(path)).toEqual([]);
    expect(qemuRawExtents(path, 0)).toEqual([]);
  });

  it('matches an image from qemu-img create -f raw, whose first 4 KiB is allocated', async () => {
    const path = join(tmp.dir, 'created.raw');
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', path, '64M']);
    const ours = await extentsOf(path);
    expect(ours).toEqual(qemuRawExtents(path, 64 * MiB));
    expect(ours[0]).toEqual({ start: 0, length: 4 * KiB, data: true });
    expect(ours[1]).toEqual({ start: 4 * KiB, length: 64 * MiB - 4 * KiB, data: false });
  });

  it.each(['falloc', 'full'])('matches qemu-img for preallocation=%s', async (prealloc) => {
    const path = join(tmp.dir, `prealloc-${prealloc}.raw`);
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', '-o', `preallocation=${prealloc}`, path, '4M']);
    expect(await extentsOf(path)).toEqual(qemuRawExtents(path, 4 * MiB));
  });

  it('answers sub-ranges with the same runs cut to the range', async () => {
    const path = join(tmp.dir, 'ranges');
    const size = 4 * MiB;
    makeSparseFile(path, size, [
      [1 * MiB, filled(256 * KiB)],
      [3 * MiB, filled(64 * KiB)],
    ]);
    const whole = await extentsOf(path);
    const ranges: Array<[number, number]> = [
      [0, 1],
      [100, 1 * MiB],
      [1 * MiB + 7, 10],
      [1 * MiB + 100 * KiB, 2 * MiB],
      [3 * MiB + 1, 5 * MiB],
      [size - 1, 100],
    ];
    for (const [offset, length] of ranges) {
      const end = Math.min(offset + length, size);
      const expected = whole
        .filter((e) => e.start < end && e.start + e.length > offset)
        .map((e) => {
          const start = Math.max(e.start, offset);
          return { start, length: Math.min(e.start + e.length, end) - start, data: e.data };
        });
      expect(await extentsOf(path, offset, length), `range ${offset}+${length}`).toEqual(expected);
    }
    expect(await extentsOf(path, size, 4096)).toEqual([]);
  });

  it('maps a 4 TiB sparse file in milliseconds, from lseek and not from a scan', async () => {
    const path = join(tmp.dir, 'huge.raw');
    const size = 4 * TiB;
    makeSparseFile(path, size, [
      [1 * TiB, filled(4 * KiB)],
      [3 * TiB + 8 * KiB, filled(8 * KiB)],
      [size - 1, filled(1)],
    ]);
    const src = await NodeFileSource.open(path);
    try {
      expect(src.size).toBe(size);
      const t0 = performance.now();
      const ours = await src.extents(0, size);
      const ms = performance.now() - t0;
      expect(ours).toEqual([
        { start: 0, length: 1 * TiB, data: false },
        { start: 1 * TiB, length: 4 * KiB, data: true },
        { start: 1 * TiB + 4 * KiB, length: 2 * TiB + 4 * KiB, data: false },
        { start: 3 * TiB + 8 * KiB, length: 8 * KiB, data: true },
        { start: 3 * TiB + 16 * KiB, length: TiB - 20 * KiB, data: false },
        { start: size - 4 * KiB, length: 4 * KiB, data: true },
      ]);
      expect(ours).toEqual(qemuRawExtents(path, size));
      // Reading 4 TiB would take hours; a bound this loose only fails if extents() scans.
      expect(ms).toBeLessThan(500);
      expect(await src.allocatedSize()).toBe(statSync(path).blocks * 512);
      expect(await src.allocatedSize()).toBeLessThan(1 * MiB);
    } finally {
      await src.close();
    }
  });
});
