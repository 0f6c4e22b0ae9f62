// `vdisk compare` beyond same-sized pairs: images of different sizes (qemu-img compares the common
// part and requires the excess of the larger one to read as zeros), two qcow2 images, and errors
// (exit 2). Every expected exit code and offset is qemu-img compare's on the same files.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { qemuMismatchOffset } from '../../fixtures/compare-keys.js';
import { expectVdiskError, offsetPattern } from '../../fixtures/expect-cli.js';
import { MiB, qcow2, raw } from '../../fixtures/fixture.js';
import { runTool } from '../../fixtures/qemu.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { describeRun, runVdisk } from '../../fixtures/vdisk-cli.js';

describe('vdisk compare agrees with qemu-img compare', () => {
  let dir: string;
  const p = (name: string) => join(dir, name);
  beforeAll(() => {
    dir = makeScratchDir('compare');
    qcow2(dir, 'small.qcow2', 4 * MiB, {}, ['write -P 0x61 0 64k', 'write -P 0x62 1M 4k']);
    raw(dir, 'big-zero-tail.raw', 6 * MiB, ['write -P 0x61 0 64k', 'write -P 0x62 1M 4k']);
    raw(dir, 'big-data-tail.raw', 6 * MiB, ['write -P 0x61 0 64k', 'write -P 0x62 1M 4k', 'write -P 0x63 5242889 7']);
    qcow2(dir, 'same.qcow2', 4 * MiB, { cluster_size: 4096 }, ['write -P 0x61 0 64k', 'write -P 0x62 1M 4k']);
    qcow2(dir, 'other.qcow2', 4 * MiB, {}, ['write -P 0x61 0 64k', 'write -P 0x62 1M 4k', 'write -P 0x64 3000000 1']);
    qcow2(dir, 'zeros-written.qcow2', 4 * MiB, {}, ['write -P 0x61 0 64k', 'write -P 0x62 1M 4k', 'write -P 0 2M 64k']);
  });
  afterAll(() => removeScratchDir(dir));

  const pairs: [string, string, string[]][] = [
    ['a smaller image against a larger one whose excess reads as zeros', 'small.qcow2', ['big-zero-tail.raw']],
    ['the larger one first', 'big-zero-tail.raw', ['small.qcow2']],
    ['a larger image with data past the smaller one’s end', 'small.qcow2', ['big-data-tail.raw']],
    ['two qcow2 images with different cluster sizes and equal content', 'small.qcow2', ['same.qcow2']],
    ['two qcow2 images differing in one byte', 'small.qcow2', ['other.qcow2']],
    ['unallocated against explicitly written zeros', 'small.qcow2', ['zeros-written.qcow2']],
  ];
  for (const [label, a, [b]] of pairs) {
    test(`${label}: same exit code and offset`, async () => {
      const q = runTool('qemu-img', ['compare', p(a), p(b!)], dir);
      const v = await runVdisk(['compare', p(a), p(b!)], { cwd: dir });
      expect(v.timedOut, describeRun(v)).toBe(false);
      expect(v.status, `${describeRun(v)}\nqemu-img: ${q.stdout}${q.stderr}`).toBe(q.status);
      const at = qemuMismatchOffset(q.stdout);
      if (at !== undefined) expect(v.stdout + v.stderr).toMatch(offsetPattern(at));
    });
  }

  test('a missing file is an error: exit 2, as qemu-img', async () => {
    const q = runTool('qemu-img', ['compare', p('small.qcow2'), p('nothing.raw')], dir);
    expect(q.status).toBe(2);
    const v = await runVdisk(['compare', p('small.qcow2'), p('nothing.raw')], { cwd: dir });
    expect(v.status, describeRun(v)).toBe(2);
    expectVdiskError(v, { code: 'E_NOT_FOUND', path: 'nothing.raw' });
  });

  test('-f naming the wrong format is an error: exit 2, as qemu-img', async () => {
    const q = runTool(
      'qemu-img',
      ['compare', '-f', 'qcow2', '-F', 'raw', p('big-zero-tail.raw'), p('small.qcow2')],
      dir,
    );
    expect(q.status).toBe(2);
    const v = await runVdisk(['compare', '-f', 'qcow2', '-F', 'raw', p('big-zero-tail.raw'), p('small.qcow2')], {
      cwd: dir,
    });
    expect(v.status, describeRun(v)).toBe(2);
    expectVdiskError(v, { code: 'E_QCOW2_BAD_MAGIC', path: 'big-zero-tail.raw' });
  });
});
