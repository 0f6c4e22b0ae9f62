// convert -n onto an existing raw file: zero runs become holes, as qemu-img's zero writes punch them
// (file-posix, MAY_UNMAP), so the target's allocated size stays within 5 % of qemu-img's; where
// holes cannot be punched, zeros are written (the content is right either way).
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { convertImage } from '../helpers/node-ops.js';
import { NodeFileTarget } from '../../../src/io/node-file-target.js';
import { noise, qcow2, raw, writeBytes, MiB } from '../../fixtures/fixture.js';
import { qemuImg } from '../../fixtures/qemu.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { allocated, expectAllocatedNear, expectIdentical, vdiskOk } from '../helpers/helpers.js';
import { scratch } from '../helpers/reuse-fixture.js';

let root: string;
let fresh: () => string;

/** A fully allocated raw file of `size` bytes of noise (every block allocated, nothing reads as zeros). */
function fullTarget(dir: string, size: number): string {
  const t = join(dir, 'full.raw');
  writeBytes(t, noise(size, 3));
  return t;
}

const SOURCES: Record<string, (dir: string) => { path: string; fmt: string }> = {
  'sparse raw': (dir) => ({
    path: raw(dir, 's.raw', 32 * MiB, ['write -P 0x11 0 2M', 'write -P 0x12 20M 1M', 'write -z 24M 4M']).path,
    fmt: 'raw',
  }),
  'qcow2 with zero clusters': (dir) => ({
    path: qcow2(dir, 's.qcow2', 32 * MiB, {}, ['write -P 0x11 1M 3M', 'write -z 8M 8M', 'write -P 0x13 30M 64k']).path,
    fmt: 'qcow2',
  }),
};

describe('convert -n onto a raw target keeps it sparse', () => {
  beforeAll(() => {
    root = makeScratchDir('reuse-raw-sparse');
    fresh = scratch(root);
  });
  afterAll(() => removeScratchDir(root));

  for (const [name, make] of Object.entries(SOURCES)) {
    for (const extra of [32 * MiB, 40 * MiB]) {
      test(`${name} onto a fully allocated ${extra / MiB} MiB raw file: allocated within 5 % of qemu-img's, same content`, async () => {
        const dir = fresh();
        const src = make(dir);
        const full = fullTarget(dir, extra);
        const q = join(dir, 'q.raw');
        const v = join(dir, 'v.raw');
        copyFileSync(full, q);
        copyFileSync(full, v);
        qemuImg(['convert', '-n', '-f', src.fmt, '-O', 'raw', src.path, q], dir);
        await vdiskOk(['convert', '-n', '-f', src.fmt, '-O', 'raw', src.path, v], dir);
        expectIdentical(q, v, ['-f', 'raw', '-F', 'raw']);
        expectAllocatedNear(v, q);
        expect(allocated(v)).toBeLessThan(extra / 2);
      });
    }
  }

  test('-S 0 writes every byte, as qemu-img does', async () => {
    const dir = fresh();
    const src = SOURCES['sparse raw']!(dir);
    const full = fullTarget(dir, 32 * MiB);
    const q = join(dir, 'q.raw');
    const v = join(dir, 'v.raw');
    copyFileSync(full, q);
    copyFileSync(full, v);
    qemuImg(['convert', '-n', '-S', '0', '-f', 'raw', '-O', 'raw', src.path, q], dir);
    await vdiskOk(['convert', '-n', '-S', '0', '-f', 'raw', '-O', 'raw', src.path, v], dir);
    expectIdentical(q, v, ['-f', 'raw', '-F', 'raw']);
    expectAllocatedNear(v, q);
  });

  test('where holes cannot be punched, the zero runs are written as zeros', async () => {
    const dir = fresh();
    const src = SOURCES['sparse raw']!(dir);
    const v = fullTarget(dir, 32 * MiB);
    const inner = await NodeFileTarget.create(v, { reuse: true });
    let asked = 0;
    const noHoles = Object.assign(Object.create(inner) as NodeFileTarget, {
      discard: async (r: [number, number][]) => {
        asked += r.length;
        return { asked: 1, punched: 0 };
      },
    });
    await convertImage({ source: src.path, target: noHoles, targetFormat: 'raw', reuseTarget: true });
    expect(asked).toBeGreaterThan(0);
    expectIdentical(src.path, v, ['-f', 'raw', '-F', 'raw']);
    expect(allocated(v)).toBe(32 * MiB);
  });
});
