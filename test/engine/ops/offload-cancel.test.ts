// Cancelling an offloaded copy (XFS with reflink on a loop mount made here): the abort is seen
// between chunks while copies are in flight in the kernel, the copy ends with E_CANCELLED, and
// neither the target nor its temporary is left behind. A later copy of the same source succeeds.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { convertImage } from '../helpers/node-ops.js';
import { raw, MiB } from '../../fixtures/fixture.js';
import { mountLoopFs, sharedBytes, type LoopFs } from '../../helpers/loop-fs.js';
import { expectIdentical, vdiskFailure } from '../helpers/helpers.js';

const SIZE = 512 * MiB;

describe('cancelling an offloaded copy', () => {
  let fs: LoopFs;
  let src: string;
  beforeAll(() => {
    fs = mountLoopFs('xfs', 1024);
    // 1 MiB of data every 2 MiB: 256 extents that cannot merge, so the copy is many kernel calls.
    const writes = Array.from({ length: SIZE / (2 * MiB) }, (_, i) => `write -P ${(i % 250) + 1} ${i * 2 * MiB} 1M`);
    src = raw(fs.dir, 'src.raw', SIZE, writes).path;
  }, 120_000);
  afterAll(() => fs?.close());

  test('abort mid-copy: E_CANCELLED, no target, no temporary', async () => {
    const dst = join(fs.dir, 'dst.raw');
    const ctl = new AbortController();
    let seen = 0;
    const e = await vdiskFailure(
      convertImage({
        source: src,
        sourceFormat: 'raw',
        target: dst,
        targetFormat: 'raw',
        signal: ctl.signal,
        onProgress: (p) => {
          seen = p.done;
          if (p.done >= 64 * MiB) ctl.abort();
        },
      }),
    );
    expect(e.code).toBe('E_CANCELLED');
    expect(seen).toBeLessThan(SIZE);
    expect(readdirSync(fs.dir).sort()).toEqual(['src.raw']);
  });

  test('the same copy run to the end is identical and shares the data', async () => {
    const dst = join(fs.dir, 'whole.raw');
    await convertImage({ source: src, sourceFormat: 'raw', target: dst, targetFormat: 'raw' });
    expectIdentical(src, dst, ['-f', 'raw', '-F', 'raw']);
    expect(sharedBytes(dst)).toBe(SIZE / 2);
  });
});
