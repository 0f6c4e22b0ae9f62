// convert SRC1 SRC2 ... DST (sources back to back, each rounded up to 512 bytes) and -n onto a target
// larger than the source (its tail kept), each against qemu-img doing the same on the same inputs.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { qcow2, raw } from '../../fixtures/fixture.js';
import { qemuImg, runTool } from '../../fixtures/qemu.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { expectCheckClean, expectIdentical, qemuInfo, vdiskOk, vdiskRun } from '../helpers/helpers.js';

const MiB = 1 << 20;
let root: string;
let n = 0;
const fresh = () => {
  const d = join(root, `d${n++}`);
  mkdirSync(d);
  return d;
};

describe('convert with several sources, and -n onto a larger target', () => {
  beforeAll(() => {
    root = makeScratchDir('write-concat');
  });
  afterAll(() => removeScratchDir(root));

  for (const fmt of ['qcow2', 'raw']) {
    test(`three qcow2 sources (64 KiB and 4 KiB clusters) → ${fmt}: identical to qemu-img's, clean`, async () => {
      const dir = fresh();
      const a = qcow2(dir, 'a.qcow2', 3 * MiB, {}, ['write -P 0x11 0 1M', 'write -P 0x12 2M 512k']).path;
      const c = qcow2(dir, 'c.qcow2', 2 * MiB, { cluster_size: 4096 }, ['write -P 0x33 4k 1M']).path;
      qemuImg(['convert', '-O', fmt, a, c, a, join(dir, `q.${fmt}`)]);
      await vdiskOk(['convert', '-O', fmt, a, c, a, `v.${fmt}`], dir);
      expectIdentical(join(dir, `q.${fmt}`), join(dir, `v.${fmt}`));
      expect(qemuInfo(join(dir, `v.${fmt}`))['virtual-size']).toBe(8 * MiB);
      if (fmt === 'qcow2') expectCheckClean(join(dir, 'v.qcow2'));
    });

    test(`raw sources whose ends fall inside target clusters (one of 777 bytes) → ${fmt}: identical to qemu-img's`, async () => {
      const dir = fresh();
      const b = raw(dir, 'b.raw', 1000 * 1024, ['write -P 0x22 0 100k', 'write -P 0x23 900k 100k']).path;
      const r = raw(dir, 'r.raw', 1537 * 1024, ['write -P 0x44 1000k 537k']).path;
      const odd = raw(dir, 'odd.raw', 777, ['write -P 0x55 0 512']).path;
      qemuImg(['convert', '-f', 'raw', '-O', fmt, b, r, odd, b, join(dir, `q.${fmt}`)]);
      await vdiskOk(['convert', '-f', 'raw', '-O', fmt, b, r, odd, b, `v.${fmt}`], dir);
      expectIdentical(join(dir, `q.${fmt}`), join(dir, `v.${fmt}`), ['-f', fmt, '-F', fmt]);
      expect(qemuInfo(join(dir, `v.${fmt}`))['virtual-size']).toBe(qemuInfo(join(dir, `q.${fmt}`))['virtual-size']);
      if (fmt === 'qcow2') expectCheckClean(join(dir, 'v.qcow2'));
    });
  }

  test('-B with several sources is refused, as qemu-img refuses it', async () => {
    const dir = fresh();
    const a = qcow2(dir, 'a.qcow2', MiB, {}).path;
    expect(
      runTool('qemu-img', ['convert', '-O', 'qcow2', '-B', a, '-F', 'qcow2', a, a, join(dir, 'q.qcow2')], dir).status,
    ).not.toBe(0);
    const r = await vdiskRun(['convert', '-O', 'qcow2', '-B', 'a.qcow2', '-F', 'qcow2', a, a, 'v.qcow2'], dir);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('E_BAD_OPTION');
  });

  for (const opts of [{}, { compat: '0.10' }, { extended_l2: 'on' }] as Record<string, string>[]) {
    test(`-n onto a qcow2 target twice the source's size (${JSON.stringify(opts)}): the tail is kept, as qemu-img keeps it`, async () => {
      const dir = fresh();
      const src = qcow2(dir, 's.qcow2', 4 * MiB, {}, ['write -P 0x11 0 1M', 'write -P 0x12 3M 64k']).path;
      const q = qcow2(dir, 'q.qcow2', 8 * MiB, opts, ['write -P 0x77 0 8M']).path;
      const v = join(dir, 'v.qcow2');
      copyFileSync(q, v);
      qemuImg(['convert', '-n', '-O', 'qcow2', src, q]);
      await vdiskOk(['convert', '-n', '-O', 'qcow2', src, v], dir);
      expectIdentical(q, v);
      expect(runTool('qemu-io', ['-c', 'read -P 0x77 4M 4M', v]).stdout).not.toMatch(/Pattern verification failed/);
      expectCheckClean(v);
    });
  }

  test('-n onto a raw target larger than the source: the tail is kept', async () => {
    const dir = fresh();
    const src = qcow2(dir, 's.qcow2', 4 * MiB, {}, ['write -P 0x11 0 1M']).path;
    const q = raw(dir, 'q.raw', 8 * MiB, ['write -P 0x77 0 8M']).path;
    const v = join(dir, 'v.raw');
    copyFileSync(q, v);
    qemuImg(['convert', '-n', '-O', 'raw', src, q]);
    await vdiskOk(['convert', '-n', '-O', 'raw', src, v], dir);
    expectIdentical(q, v, ['-f', 'raw', '-F', 'raw']);
  });
});
