// Clusters freed by vdisk's writing verbs are discarded (holes punched), as qemu-img 7.2 discards
// them (QCOW2_DISCARD_ALWAYS and the default-on QCOW2_DISCARD_SNAPSHOT reach the file as fallocate
// PUNCH_HOLE): the same copy goes through qemu-img and vdisk, and the allocated sizes (st_blocks)
// must agree within 5 % (one 4 KiB extent block of slack on tiny files), the file sizes and
// `qemu-img map` be equal, and both pass `qemu-img check`.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MiB, qcow2 } from '../../fixtures/fixture.js';
import { patchFile } from '../../fixtures/patch-qcow2.js';
import { parseHeader } from '../../fixtures/qcow2-layout.js';
import { l2EntryPos } from '../../fixtures/qcow2-tables.js';
import { qemuMapJson, runTool } from '../../fixtures/qemu.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { twinCopies } from '../helpers/repair-twins.js';
import { allocated, expectAllocatedNear, expectCheckClean, expectIdentical, vdiskOk } from '../helpers/helpers.js';

let root: string;
const qemu = (args: string[], dir: string) => {
  const r = runTool('qemu-img', args, dir);
  expect(r.status, r.stderr).not.toBe(2);
  return r;
};

describe('freed clusters are discarded as qemu-img discards them', () => {
  beforeAll(() => {
    root = makeScratchDir('discard');
  });
  afterAll(() => removeScratchDir(root));

  test('check -r leaks: the 2 MiB of leaked data clusters become a hole', async () => {
    const dir = join(root, 'leaks');
    mkdirSync(dir);
    const img = qcow2(dir, 'leaky.qcow2', 64 * MiB, {}, ['write -P 0x11 0 8M']).path;
    // Unmap guest clusters 0..31 in the L2 table only: their data clusters keep refcount 1 (leaks).
    patchFile(img, (buf) => {
      const h = parseHeader(buf);
      buf.fill(0, l2EntryPos(buf, h, 0)!, l2EntryPos(buf, h, 0)! + 32 * 8);
    });
    const { q, v, dir: d } = twinCopies(root, img);
    const before = allocated(v);
    qemu(['check', '-r', 'leaks', q], d);
    await vdiskOk(['check', '-r', 'leaks', v], d);
    expect(before - allocated(q)).toBeGreaterThan(1.9 * MiB); // what qemu-img does
    expectAllocatedNear(v, q);
    expect(qemuMapJson(v)).toEqual(qemuMapJson(q));
    expectCheckClean(v);
  });

  test('check -r all rebuilding the refcount structure: the old table and blocks are discarded', async () => {
    const dir = join(root, 'rebuild');
    mkdirSync(dir);
    // 4 KiB clusters and 64-bit refcounts: 512 clusters per block, so the old structure has 8 clusters.
    const img = qcow2(dir, 'lazy.qcow2', 16 * MiB, {
      lazy_refcounts: 'on',
      cluster_size: 4096,
      refcount_bits: 64,
    }).path;
    const r = runTool('qemu-io', ['-c', 'write -P 0x11 0 6M', '-c', 'write -P 0x22 8M 6M', '-c', 'sigraise 9', img]);
    expect(r.signal ?? r.status).not.toBe(0);
    const { q, v, dir: d } = twinCopies(root, img);
    qemu(['check', '-r', 'all', q], d);
    await vdiskOk(['check', '-r', 'all', v], d);
    expect(statSync(v).size).toBe(statSync(q).size);
    // The same clusters punched: a few KiB apart would already be a missed table or block.
    expect(Math.abs(allocated(v) - allocated(q))).toBeLessThanOrEqual(4096);
    expectCheckClean(v);
    expectIdentical(q, v);
  });

  for (const [cluster, compat] of [
    [4096, '1.1'],
    [65536, '1.1'],
    [4096, '0.10'],
  ] as const) {
    test(`resize --shrink (cluster ${cluster}, compat ${compat}): L2 tables and refcount blocks freed, holes, file cut`, async () => {
      const dir = join(root, `shrink-${cluster}-${compat}`);
      mkdirSync(dir);
      const img = qcow2(dir, 'big.qcow2', 64 * MiB, { cluster_size: cluster, compat }, [
        'write -P 0x22 0 4M',
        'write -P 0x33 20M 4M',
        'write -P 0x44 40M 12M',
      ]).path;
      const { q, v, dir: d } = twinCopies(root, img);
      qemu(['resize', '--shrink', q, '22M'], d);
      await vdiskOk(['resize', '--shrink', v, '22M'], d);
      expect(statSync(v).size).toBe(statSync(q).size);
      expectAllocatedNear(v, q);
      expect(qemuMapJson(v)).toEqual(qemuMapJson(q));
      expectCheckClean(v);
      expectIdentical(q, v);
    });
  }

  for (const compat of ['1.1', '0.10']) {
    test(`commit (compat ${compat}): the emptied top allocates no more than qemu-img's`, async () => {
      const dir = join(root, `commit-${compat}`);
      mkdirSync(dir);
      const base = qcow2(dir, 'base.qcow2', 64 * MiB, {}).path;
      const top = qcow2(dir, 'top.qcow2', 64 * MiB, { compat, backing_file: 'base.qcow2', backing_fmt: 'qcow2' }, [
        'write -P 0x22 0 8M',
        'write -P 0x33 32M 1M',
      ]).path;
      const q = join(dir, 'q');
      const v = join(dir, 'v');
      for (const sub of [q, v]) {
        mkdirSync(sub);
        copyFileSync(base, join(sub, 'base.qcow2'));
        copyFileSync(top, join(sub, 'top.qcow2'));
      }
      qemu(['commit', join(q, 'top.qcow2')], q);
      await vdiskOk(['commit', join(v, 'top.qcow2')], v);
      const [a, b] = [allocated(join(v, 'top.qcow2')), allocated(join(q, 'top.qcow2'))];
      expect(a, `allocated ${a} vs qemu-img ${b}`).toBeLessThanOrEqual(Math.max(b * 1.05, b + 4096));
      expectCheckClean(join(v, 'top.qcow2'));
      expectIdentical(join(q, 'top.qcow2'), join(v, 'top.qcow2'));
    });
  }
});
