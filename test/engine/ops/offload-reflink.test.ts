// Copy offload on a file system that shares extents: XFS made with reflink=1 on a loop-mounted file
// (made here; CI runs as root). Every corpus image and chain converted to raw and to qcow2 is
// identical to its source (qemu-img compare), qcow2 outputs pass qemu-img check, and wherever the
// source holds host-contiguous data the kernel shared it: FIEMAP (filefrag -v) flags the target's
// extents shared. --no-offload gives the old read + write path: nothing shared.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ALL_FIXTURES } from '../../fixtures/catalog.js';
import type { BuiltImage } from '../../fixtures/fixture.js';
import { qemuInfoJson, qemuMapJson } from '../../fixtures/qemu.js';
import { mountLoopFs, sharedBytes, type LoopFs } from '../../helpers/loop-fs.js';
import { expectCheckClean, expectIdentical, vdiskOk } from '../helpers/helpers.js';

const fixtures = ALL_FIXTURES.filter((f) => !f.unrecordedBackingFormat);
const K64 = 65536;

/**
 * Whether every extent of the copy is a whole number of 64 KiB clusters at 64 KiB-aligned host
 * offsets (so even a qcow2 target, deciding each 64 KiB cluster whole, can take every one in the
 * kernel): every qcow2 layer has clusters of 64 KiB or more, no subclusters, nothing compressed.
 */
function layoutShares(img: BuiltImage): boolean {
  if (img.format !== 'qcow2') return false;
  const layers = qemuInfoJson(img.path, ['--backing-chain']) as any[];
  const qcow2 = layers.filter((l) => l.format === 'qcow2');
  if (qcow2.some((l) => l['cluster-size'] < K64 || l['format-specific']?.data?.['extended-l2'])) return false;
  return !qemuMapJson(img.path).some((e) => e.data && e.offset === undefined); // compressed: data at no host offset
}

/** Whether the source holds data at all (a data extent at a host offset). */
const holdsData = (img: BuiltImage) => qemuMapJson(img.path).some((e) => e.data && e.offset !== undefined);

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
      await vdiskOk(['convert', '-f', img.format, '-O', 'raw', img.path, raw], dir);
      await vdiskOk(['convert', '-f', img.format, '-O', 'qcow2', img.path, q], dir);
      expectIdentical(img.path, raw);
      expectIdentical(img.path, q);
      expectCheckClean(q);
      // Elsewhere (compressed clusters, subclusters, small clusters, odd sizes) chunks may be read and
      // written instead: only their content is asserted.
      if (!layoutShares(img)) return;
      expect(sharedBytes(raw) > 0, 'raw target shares extents').toBe(holdsData(img));
      expect(sharedBytes(q), 'the qcow2 target shares what the raw one does').toBe(sharedBytes(raw));
    });
  }

  test('--no-offload reads and writes: identical, nothing shared', async () => {
    const img = built.get('chain-3-layers') ?? built.values().next().value!;
    const dir = join(fs.dir, 'no-offload');
    mkdirSync(dir);
    const raw = join(dir, 'plain.raw');
    await vdiskOk(['convert', '--no-offload', '-O', 'raw', img.path, raw], dir);
    expectIdentical(img.path, raw);
    expect(sharedBytes(raw)).toBe(0);
  });
});
