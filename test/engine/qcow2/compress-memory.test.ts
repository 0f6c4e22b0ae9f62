// Memory of `convert -c`: several compressed pieces share a host cluster, so their refcounts are not
// the implicit 1. The writer keeps them only for the refcount block of the host range it is
// appending to and writes that block once it has passed the range, so memory does not grow with the
// number of compressed clusters. 1 KiB target clusters give the most pieces, so the most shared clusters,
// per second of copy. Peak RSS is not the measure: fflate's per-call buffers are garbage
// whose collection time moved a 256 MiB run's RSS 1–24 MiB above a 32 MiB one's with the same code.
// The test compares held memory instead (heap + external after a forced full GC, sampled every
// 50 ms, 90th percentile, see vdisk-cli.ts): 128 MiB held 29 MiB more than 16 MiB before the change
// (a map of every shared cluster), no more after it.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { qemuImg, runTool } from '../../fixtures/qemu.js';
import { expectCheckClean, expectIdentical, vdiskOk } from '../helpers/helpers.js';

const MiB = 1 << 20;
let root: string;

/** A 1 GiB sparse raw image with `mib` 1 MiB extents of pattern bytes spread evenly over it. */
function source(mib: number): string {
  const file = join(root, `src-${mib}.raw`);
  qemuImg(['create', '-q', '-f', 'raw', file, '1G']);
  const step = 1024 / mib;
  const args: string[] = [];
  for (let i = 0; i < mib; i++) args.push('-c', `write -P ${(i % 255) + 1} ${i * step}M 1M`);
  const r = runTool('qemu-io', ['-f', 'raw', ...args, file], root);
  expect(r.status, r.stderr).toBe(0);
  return file;
}

describe('convert -c memory', () => {
  beforeAll(() => {
    root = makeScratchDir('compress-memory');
  });
  afterAll(() => removeScratchDir(root));

  test('128 MiB of compressed data holds within 4 MiB of what 16 MiB holds (1 KiB clusters)', async () => {
    const live: number[] = [];
    for (const mib of [16, 128]) {
      const src = source(mib);
      const out = join(root, `out-${mib}.qcow2`);
      const args = ['convert', '-c', '-t', 'unsafe', '-f', 'raw', '-O', 'qcow2', '-o', 'cluster_size=1024', src, out];
      const r = await vdiskOk(args, root, { liveHeap: true });
      expect(r.liveHeapKiB, 'no live-heap reading from the child').toBeDefined();
      live.push(r.liveHeapKiB!);
      expectCheckClean(out);
      expectIdentical(src, out);
    }
    const [small, big] = live as [number, number];
    expect(big - small, `held ${small} KiB (16 MiB) vs ${big} KiB (128 MiB)`).toBeLessThan(4 * 1024);
  }, 120_000);
});
