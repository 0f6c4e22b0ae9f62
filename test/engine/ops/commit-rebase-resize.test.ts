// commit, rebase and resize against what qemu-img says: the chain reads as the expected content
// (a flat copy taken before, by qemu-img convert) and every written image passes qemu-img check.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { qemuImg } from '../../fixtures/qemu.js';
import { buildChain, type TestChain } from '../helpers/chain-fixture.js';
import { expectCheckClean, expectIdentical, qemuInfo, vdiskOk, vdiskRun } from '../helpers/helpers.js';

let root: string;
let n = 0;
/** A fresh chain in its own directory (top options vary), plus its flat content from qemu-img. */
function fresh(topOptions: Record<string, string | number> = {}): TestChain & { flat: string } {
  const dir = join(root, `c${n++}`);
  mkdirSync(dir);
  const c = buildChain(dir, topOptions);
  const flat = join(dir, 'flat.raw');
  qemuImg(['convert', '-O', 'raw', c.top, flat]);
  return { ...c, flat };
}

describe('commit, rebase, resize', () => {
  beforeAll(() => {
    root = makeScratchDir('write-commit');
  });
  afterAll(() => removeScratchDir(root));

  for (const opts of [{}, { cluster_size: 4096 }, { extended_l2: 'on' }, { compat: '0.10' }] as Record<
    string,
    string | number
  >[]) {
    test(`commit top into its qcow2 backing (top ${JSON.stringify(opts)}): chain unchanged, top emptied, both clean`, async () => {
      const c = fresh(opts);
      await vdiskOk(['commit', c.top], c.dir);
      expectIdentical(c.flat, c.top);
      expectIdentical(c.flat, c.mid);
      expectCheckClean(c.mid);
      expectCheckClean(c.top);
      expect(qemuInfo(c.top)['actual-size']).toBeLessThan(1 << 20);
    });
  }

  test('commit -d of the middle into the raw base: the base alone reads as mid over base', async () => {
    const c = fresh();
    const midFlat = join(c.dir, 'mid-flat.raw');
    qemuImg(['convert', '-O', 'raw', c.mid, midFlat]);
    await vdiskOk(['commit', '-d', c.mid], c.dir);
    expectIdentical(midFlat, c.base);
    expectIdentical(c.flat, c.top);
  });

  test('commit -b base (two layers down): the base holds the whole chain', async () => {
    const c = fresh();
    await vdiskOk(['commit', '-b', c.base, c.top], c.dir);
    expectIdentical(c.flat, c.base);
  });

  test('safe rebase onto the base (skipping mid): reads as before, clean, backing recorded', async () => {
    const c = fresh();
    await vdiskOk(['rebase', '-b', 'base.raw', '-F', 'raw', c.top], c.dir);
    expectIdentical(c.flat, c.top);
    expectCheckClean(c.top);
    expect(qemuInfo(c.top)).toMatchObject({ 'backing-filename': 'base.raw', 'backing-filename-format': 'raw' });
  });

  test('safe rebase onto nothing (-b ""): the top becomes standalone and reads as before', async () => {
    const c = fresh({ extended_l2: 'on' });
    await vdiskOk(['rebase', '-b', '', c.top], c.dir);
    expectIdentical(c.flat, c.top);
    expectCheckClean(c.top);
    expect(qemuInfo(c.top)['backing-filename']).toBeUndefined();
  });

  test('unsafe rebase (-u) changes only the name: a copy of mid under another name reads the same', async () => {
    const c = fresh();
    copyFileSync(c.mid, join(c.dir, 'mid-copy.qcow2'));
    await vdiskOk(['rebase', '-u', '-b', 'mid-copy.qcow2', '-F', 'qcow2', c.top], c.dir);
    expectIdentical(c.flat, c.top);
    expectCheckClean(c.top);
    expect(qemuInfo(c.top)['backing-filename']).toBe('mid-copy.qcow2');
  });

  test('resize: grow past the L1 table, shrink needs --shrink, data before the new end kept', async () => {
    const c = fresh({ cluster_size: 512 });
    await vdiskOk(['resize', c.top, '+100G'], c.dir);
    expectCheckClean(c.top);
    expect(qemuInfo(c.top)['virtual-size']).toBe(16 * 2 ** 20 + 100 * 2 ** 30);
    const r = await vdiskRun(['resize', c.top, '8M'], c.dir);
    expect(r.stderr).toContain('E_SHRINK_NEEDS_FLAG');
    await vdiskOk(['resize', '--shrink', c.top, '8M'], c.dir);
    expectCheckClean(c.top);
    const head = join(c.dir, 'head.raw');
    qemuImg(['convert', '-O', 'raw', c.top, head]);
    qemuImg(['resize', '-f', 'raw', '--shrink', c.flat, '8M']);
    expectIdentical(c.flat, head);
    // A negative size as qemu-img takes it: the last argument, no `--`.
    expect((await vdiskRun(['resize', c.top, '-2M'], c.dir)).stderr).toContain('E_SHRINK_NEEDS_FLAG');
    await vdiskOk(['resize', '--shrink', c.top, '-2M'], c.dir);
    expect(qemuInfo(c.top)['virtual-size']).toBe(6 * 2 ** 20);
    expectCheckClean(c.top);
  });

  test('writers refuse a dirty image with a code naming the repair command', async () => {
    const c = fresh({ lazy_refcounts: 'on' });
    const { markDirty } = await import('../helpers/dirty.js');
    markDirty(c.top);
    for (const args of [
      ['commit', c.top],
      ['rebase', '-b', 'base.raw', '-F', 'raw', c.top],
      ['resize', c.top, '+1M'],
    ]) {
      const r = await vdiskRun(args, c.dir);
      expect(r.stderr).toContain('E_QCOW2_DIRTY');
      expect(r.stderr).toContain('vdisk check -r all');
    }
  });
});
