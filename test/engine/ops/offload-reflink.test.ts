// Copy offload on a file system that shares extents: XFS made with reflink=1 on a loop-mounted file
// (made here; CI runs as root). Every corpus image and chain converted to raw and to qcow2 is
// identical to its source (qemu-img compare), qcow2 outputs pass qemu-img check, and wherever the
// source holds host-contiguous data the kernel shared it: FIEMAP (filefrag -v) flags the target's
// extents shared. --no-offload gives the old read + write path: nothing shared.
// The corpus runs through the engine in this process (convertImage, what the CLI calls: the offload
// is decided below it, in the copier and the Node target), so 2 × 50 converts do not pay Node's
// start-up each; the CLI itself is run for one chain with and without --no-offload.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ALL_FIXTURES } from '../../fixtures/catalog.js';
import type { BuiltImage } from '../../fixtures/fixture.js';
import { qemuInfoJson, qemuMapJson } from '../../fixtures/qemu.js';
import { mountLoopFs, sharedBytes, type LoopFs } from '../../helpers/loop-fs.js';
import { convertImage } from '../helpers/node-ops.js';
import { expectCheckClean, expectIdentical, vdiskOk } from '../helpers/helpers.js';

/**
 * Corpus variants that lay guest data out in host files exactly as a sibling kept here does, so they
 * take the same offload decisions: refcount widths other than the extremes (the copier never reads
 * refcounts), and cluster sizes between the ones that decide the path (512 B and 4 KiB: below the
 * file system block; 32 KiB: below the 64 KiB a qcow2 target decides whole; 64 KiB; 2 MiB: above it).
 * Every one of them is still converted and compared on ext4 (convert-fixtures.test.ts).
 */
const SAME_LAYOUT = new Set([
  ...[2, 4, 8, 16, 32].map((b) => `qcow2-refcount-bits-${b}`),
  ...['1k', '2k', '8k', '16k', '128k', '256k', '512k', '1024k'].map((c) => `qcow2-cluster-${c}`),
]);
const fixtures = ALL_FIXTURES.filter((f) => !f.unrecordedBackingFormat && !SAME_LAYOUT.has(f.name));
const K64 = 65536;

/**
 * Whether every extent of the copy is a whole number of 64 KiB clusters at 64 KiB-aligned host
 * offsets (so even a qcow2 target, deciding each 64 KiB cluster whole, can take every one in the
 * kernel): every qcow2 layer has clusters of 64 KiB or more, no subclusters, nothing compressed.
 */
function layoutShares(img: BuiltImage, map: ReturnType<typeof qemuMapJson>): boolean {
  if (img.format !== 'qcow2') return false;
  const layers = qemuInfoJson(img.path, ['--backing-chain']) as any[];
  const qcow2 = layers.filter((l) => l.format === 'qcow2');
  if (qcow2.some((l) => l['cluster-size'] < K64 || l['format-specific']?.data?.['extended-l2'])) return false;
  return !map.some((e) => e.data && e.offset === undefined); // compressed: data at no host offset
}

/** Whether the source holds data at all (a data extent at a host offset). */
const holdsData = (map: ReturnType<typeof qemuMapJson>) => map.some((e) => e.data && e.offset !== undefined);

const convert = (img: BuiltImage, target: string, targetFormat: 'raw' | 'qcow2') =>
  convertImage({ source: img.path, sourceFormat: img.format as 'raw' | 'qcow2', target, targetFormat });

describe('copy offload onto XFS with reflink', () => {
  let fs: LoopFs;
  const built = new Map<string, BuiltImage>();
  beforeAll(() => {
    fs = mountLoopFs('xfs', 1024);
    for (const f of fixtures) {
      const dir = join(fs.dir, f.name);
      mkdirSync(dir);
      built.set(f.name, f.build(dir));
    }
  }, 180_000);
  afterAll(() => fs?.close());

  for (const f of fixtures) {
    test(`${f.name}: -O raw and -O qcow2 identical, data extents shared`, async () => {
      const img = built.get(f.name)!;
      const dir = join(fs.dir, f.name);
      const raw = join(dir, 'off.raw');
      const q = join(dir, 'off.qcow2');
      await convert(img, raw, 'raw');
      await convert(img, q, 'qcow2');
      expectIdentical(img.path, raw);
      expectIdentical(img.path, q);
      expectCheckClean(q);
      // Elsewhere (compressed clusters, subclusters, small clusters, odd sizes) chunks may be read and
      // written instead: only their content is asserted.
      const map = qemuMapJson(img.path);
      if (!layoutShares(img, map)) return;
      expect(sharedBytes(raw) > 0, 'raw target shares extents').toBe(holdsData(map));
      expect(sharedBytes(q), 'the qcow2 target shares what the raw one does').toBe(sharedBytes(raw));
    });
  }

  test('the CLI offloads by default; --no-offload reads and writes: identical, nothing shared', async () => {
    const img = built.get('qcow2-cluster-64k')!; // host-contiguous 64 KiB clusters: shared when offloaded
    const dir = join(fs.dir, 'no-offload');
    mkdirSync(dir);
    const off = join(dir, 'off.raw');
    const raw = join(dir, 'plain.raw');
    await vdiskOk(['convert', '-O', 'raw', img.path, off], dir);
    await vdiskOk(['convert', '--no-offload', '-O', 'raw', img.path, raw], dir);
    expectIdentical(img.path, off);
    expectIdentical(img.path, raw);
    expect(sharedBytes(off)).toBeGreaterThan(0);
    expect(sharedBytes(raw)).toBe(0);
  });
});
