// convert --bitmaps against qemu-img convert --bitmaps of the same source: the same bitmaps listed by
// qemu-img info (names, order, flags, granularity), the same bits (read from the files' bitmap
// tables), qemu-img check clean, and qemu-img itself reads our bitmaps back (a second convert).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { qcow2 } from '../../fixtures/fixture.js';
import { qemuImg, qemuIo, runTool } from '../../fixtures/qemu.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { dumpBitmaps } from '../helpers/bitmap-dump.js';
import { expectCheckClean, expectIdentical, qemuInfo, vdiskOk, vdiskRun } from '../helpers/helpers.js';

const MiB = 1 << 20;
let root: string;
let n = 0;
const fresh = () => {
  const d = join(root, `d${n++}`);
  mkdirSync(d);
  return d;
};
const bitmapsOf = (f: string) => qemuInfo(f)['format-specific'].data.bitmaps;

/** Three bitmaps (64 KiB, 4 KiB and 512 KiB granules), one disabled, bits set by qemu-io's writes. */
function source(dir: string): string {
  const s = qcow2(dir, 's.qcow2', 16 * MiB, {}).path;
  qemuImg(['bitmap', '--add', '-g', '65536', s, 'zeta']);
  qemuImg(['bitmap', '--add', '-g', '4096', s, 'alpha']);
  qemuImg(['bitmap', '--add', '-g', '524288', s, 'wide']);
  qemuIo(s, ['write -P 1 0 100k', 'write -P 2 5M 1M', 'write 15M 4k']); // enabled bitmaps record writes
  qemuImg(['bitmap', '--disable', s, 'alpha']);
  qemuIo(s, ['write -P 3 8M 64k']);
  return s;
}

describe('convert --bitmaps', () => {
  beforeAll(() => {
    root = makeScratchDir('write-bitmaps');
  });
  afterAll(() => removeScratchDir(root));

  for (const o of [[], ['-o', 'cluster_size=4096'], ['-o', 'extended_l2=on']]) {
    test(`bitmaps carried as qemu-img carries them (${o.join(' ') || 'defaults'})`, async () => {
      const dir = fresh();
      const s = source(dir);
      const q = join(dir, 'q.qcow2');
      const v = join(dir, 'v.qcow2');
      qemuImg(['convert', '--bitmaps', '-O', 'qcow2', ...o, s, q]);
      await vdiskOk(['convert', '--bitmaps', '-O', 'qcow2', ...o, s, v], dir);
      expect(bitmapsOf(v)).toStrictEqual(bitmapsOf(q));
      expect(bitmapsOf(v).map((b: any) => b.name)).toStrictEqual(['zeta', 'alpha', 'wide']);
      expect(dumpBitmaps(v)).toStrictEqual(dumpBitmaps(q));
      expect(dumpBitmaps(v).get('alpha')!.set).toBeGreaterThan(0);
      expectCheckClean(v);
      expectIdentical(q, v);
      const back = join(dir, 'back.qcow2');
      qemuImg(['convert', '--bitmaps', '-O', 'qcow2', v, back]); // qemu-img loads our bitmaps
      expect(dumpBitmaps(back)).toStrictEqual(dumpBitmaps(q));
    });
  }

  test('compat=0.10 is refused (qemu-img refuses it too) and leaves no file', async () => {
    const dir = fresh();
    const s = source(dir);
    expect(
      runTool('qemu-img', ['convert', '--bitmaps', '-O', 'qcow2', '-o', 'compat=0.10', s, join(dir, 'q.qcow2')]).status,
    ).not.toBe(0);
    const r = await vdiskRun(['convert', '--bitmaps', '-O', 'qcow2', '-o', 'compat=0.10', s, 'v.qcow2'], dir);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('E_BAD_OPTION');
    expect(existsSync(join(dir, 'v.qcow2'))).toBe(false);
  });

  test('an inconsistent (in-use) bitmap: refused, or left out with --skip-broken-bitmaps, as qemu-img does', async () => {
    const dir = fresh();
    const s = qcow2(dir, 's.qcow2', 16 * MiB, {}).path;
    qemuImg(['bitmap', '--add', s, 'good']);
    qemuImg(['bitmap', '--add', s, 'bad']);
    runTool('qemu-io', ['-c', 'write 0 64k', '-c', 'sigraise 9', s]); // killed: bitmaps stay in use
    qemuImg(['bitmap', '--remove', s, 'good']);
    qemuImg(['bitmap', '--add', s, 'good']);
    const r = await vdiskRun(['convert', '--bitmaps', '-O', 'qcow2', s, 'v.qcow2'], dir);
    expect(r.status).toBe(runTool('qemu-img', ['convert', '--bitmaps', '-O', 'qcow2', s, join(dir, 'q.qcow2')]).status);
    expect(r.stderr).toContain('E_BITMAP_INCONSISTENT');
    const q = join(dir, 'q2.qcow2');
    qemuImg(['convert', '--bitmaps', '--skip-broken-bitmaps', '-O', 'qcow2', s, q]);
    await vdiskOk(['convert', '--bitmaps', '--skip-broken-bitmaps', '-O', 'qcow2', s, 'v2.qcow2'], dir);
    expect(bitmapsOf(join(dir, 'v2.qcow2'))).toStrictEqual(bitmapsOf(q));
    expect(bitmapsOf(q).map((b: any) => b.name)).toStrictEqual(['good']);
    expectCheckClean(join(dir, 'v2.qcow2'));
  });
});
