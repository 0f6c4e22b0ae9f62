// convert -n that fails part-way (a full disk after N bytes, through the library API): the reused
// qcow2 target keeps a valid header and metadata at every point (qemu-img info says qcow2, check finds
// no corruption), the error names the state it is in, and repeating the copy succeeds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { convertImage } from '../helpers/node-ops.js';
import { VdiskError } from '../../../src/errors/vdisk-error.js';
import { noise, qcow2, raw, writeBytes, MiB } from '../../fixtures/fixture.js';
import { qemuInfoJson } from '../../fixtures/qemu.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { expectCheckClean, expectIdentical, vdiskOk, vdiskFailure } from '../helpers/helpers.js';
import { expectNoCorruption } from '../helpers/long-op.js';
import { scratch } from '../helpers/reuse-fixture.js';
import { failingFile } from '../helpers/failing-target.js';

let root: string;
let fresh: () => string;

/** An 8 MiB source: data, a zero run, more data, a hole. */
function source(dir: string): string {
  return raw(dir, 's.raw', 8 * MiB, ['write -P 0x11 0 3M', 'write -P 0x22 4M 2M']).path;
}

const TARGETS: Record<string, { opts: Record<string, string>; io: string[] }> = {
  'v3 full of data': { opts: { compat: '1.1' }, io: ['write -P 0x77 0 8M'] },
  'v3 partly allocated': { opts: { compat: '1.1' }, io: ['write -P 0x77 1M 2M', 'write -P 0x78 6M 1M'] },
  'v3 empty': { opts: { compat: '1.1' }, io: [] },
  'compat=0.10 with data': { opts: { compat: '0.10' }, io: ['write -P 0x77 2M 4M'] },
};

describe('convert -n onto a qcow2 target of the same size that fails part-way', () => {
  beforeAll(() => {
    root = makeScratchDir('reuse-failure');
    fresh = scratch(root);
  });
  afterAll(() => removeScratchDir(root));

  for (const [name, t] of Object.entries(TARGETS)) {
    test(`${name}: still a valid qcow2 image, the error names its state, a retry succeeds`, async () => {
      const dir = fresh();
      const src = source(dir);
      const dst = qcow2(dir, 't.qcow2', 8 * MiB, t.opts, t.io).path;
      for (const budget of [0, 64 * 1024, 1536 * 1024]) {
        const target = await failingFile(dst, budget, { reuse: true });
        const e = await vdiskFailure(
          convertImage({ source: src, target, targetFormat: 'qcow2', reuseTarget: true, chunkSize: MiB }),
        );
        expect(e.code).toBe('E_NO_SPACE');
        expect(String(e.detail.targetState)).toMatch(/kept as a valid qcow2 image, partly written/);
        expect(e.toLine()).toContain('target kept as a valid qcow2 image');
        expect(qemuInfoJson(dst).format).toBe('qcow2');
        expectNoCorruption(dst);
      }
      await vdiskOk(['convert', '-n', '-O', 'qcow2', src, dst], dir);
      expectIdentical(src, dst);
      expectNoCorruption(dst);
    });
  }

  test('-c onto an empty target: byte for byte the image it was after the failure; a retry succeeds', async () => {
    const dir = fresh();
    const src = join(dir, 's.raw');
    writeBytes(src, noise(8 * MiB, 7)); // incompressible: the copy writes more than the budget
    const dst = qcow2(dir, 't.qcow2', 8 * MiB, { compat: '1.1', cluster_size: '65536' }).path;
    const before = readFileSync(dst);
    const target = await failingFile(dst, 2 * MiB, { reuse: true });
    const e = await vdiskFailure(
      convertImage({ source: src, target, targetFormat: 'qcow2', reuseTarget: true, compress: true }),
    );
    expect(e.code).toBe('E_NO_SPACE');
    expect(String(e.detail.targetState)).toMatch(/kept as it was, a valid, empty qcow2 image/);
    expect(readFileSync(dst).equals(before)).toBe(true);
    const info = qemuInfoJson(dst);
    expect([info.format, info['virtual-size'], info['cluster-size']]).toEqual(['qcow2', 8 * MiB, 65536]);
    expectCheckClean(dst);
    await vdiskOk(['convert', '-n', '-c', '-O', 'qcow2', src, dst], dir);
    expectIdentical(src, dst);
    expectCheckClean(dst);
  });

  test('-c onto a target holding data is refused before anything is written (qemu-img fails with EIO there)', async () => {
    const dir = fresh();
    const src = source(dir);
    const dst = qcow2(dir, 't.qcow2', 8 * MiB, { compat: '1.1' }, ['write -P 0x77 1M 1M']).path;
    const before = readFileSync(dst);
    const e = await vdiskFailure(
      convertImage({ source: src, target: dst, targetFormat: 'qcow2', reuseTarget: true, compress: true }),
    );
    expect(e.code).toBe('E_WRITE_UNSUPPORTED');
    expect(e.detail.targetState).toBeUndefined();
    expect(readFileSync(dst).equals(before)).toBe(true);
  });

  test('the CLI line carries the target state', () => {
    const e = new VdiskError('E_NO_SPACE', 'write to t.qcow2: no space left on the device', {
      path: join('d', 't.qcow2'),
      targetState: 'kept as a valid qcow2 image',
    });
    expect(e.toLine()).toMatch(
      /^E_NO_SPACE: write to t\.qcow2: no space left on the device \(d\/t\.qcow2\); target kept as a valid qcow2 image — /,
    );
  });
});
