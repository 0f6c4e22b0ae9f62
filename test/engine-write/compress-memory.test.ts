// Memory of `convert -c`: several compressed pieces share a host cluster, so their refcounts are not
// the implicit 1. The writer keeps them only for the refcount block of the host range it is
// appending to and writes that block once it has passed the range, so memory does not grow with the
// number of compressed clusters. 1 KiB target clusters give one shared cluster per 2 KiB of data,
// the most per second of copy. The child's young generation is capped (1 MiB semi-spaces) so the
// peak shows held memory rather than the compressor's short-lived garbage. Before the change the
// 256 MiB copy peaked 18–24 MiB above the 32 MiB one (a map of every shared cluster), after it 1–10.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeScratchDir, removeScratchDir } from '../fixtures/tmp-dir.js';
import { qemuImg, runTool } from '../fixtures/qemu.js';
import { expectCheckClean, expectIdentical, vdiskOk } from './helpers.js';

const MiB = 1 << 20;
let root: string;

/** An 8 GiB sparse raw image with `mib` 1 MiB extents of pattern bytes spread evenly over it. */
function source(mib: number): string {
  const file = join(root, `src-${mib}.raw`);
  qemuImg(['create', '-q', '-f', 'raw', file, '8G']);
  const step = 8192 / mib;
  const args: string[] = [];
  for (let i = 0; i < mib; i++) args.push('-c', `write -P ${(i % 255) + 1} ${i * step}M 1M`);
  const r = runTool('qemu-io', ['-f', 'raw', ...args, file], root);
  expect(r.status, r.stderr).toBe(0);
  return file;
}

describe('convert -c memory', () => {
  beforeAll(() => { root = makeScratchDir('compress-memory'); });
  afterAll(() => removeScratchDir(root));

  test('256 MiB of compressed data peaks within 16 MiB of 32 MiB (1 KiB clusters)', async () => {
    const saved = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = `${saved ?? ''} --max-semi-space-size=1`.trim();
    const peaks: number[] = [];
    try {
      for (const mib of [32, 256]) {
        const src = source(mib);
        const out = join(root, `out-${mib}.qcow2`);
        const r = await vdiskOk(['convert', '-c', '-t', 'unsafe', '-f', 'raw', '-O', 'qcow2', '-o', 'cluster_size=1024', src, out], root);
        peaks.push(r.maxRssKiB!);
        expectCheckClean(out);
        expectIdentical(src, out);
      }
    } finally {
      if (saved === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = saved;
    }
    const [small, big] = peaks as [number, number];
    expect(big - small, `peak RSS ${small} KiB (32 MiB) vs ${big} KiB (256 MiB)`).toBeLessThan(16 * 1024);
  }, 90_000);
});
