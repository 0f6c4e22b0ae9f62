// In-place edits that need new refcount blocks: commit into a base, safe rebase, convert -n onto a
// larger qcow2, resize growing the L1 table. Small clusters (and a file end placed just below a
// block boundary by a sparse tail) make the edit allocate past what the existing blocks cover, and
// past what the refcount table holds, so the table moves. Judged by qemu-img check and compare.
import { mkdirSync, truncateSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { qemuImg, qemuIo } from '../../fixtures/qemu.js';
import { expectCheckClean, expectIdentical, qemuInfo, vdiskOk } from '../helpers/helpers.js';

const MiB = 1 << 20;
const GiB = 1 << 30;
let root: string;
let n = 0;

function dir(): string {
  const d = join(root, `e${n++}`);
  mkdirSync(d);
  return d;
}

/** Writes `mib` MiB of patterned data at spread offsets (one write per MiB, distinct patterns). */
function fill(file: string, mib: number, stride = MiB, fmt = 'qcow2'): void {
  const cmds: string[] = [];
  for (let i = 0; i < mib; i++) cmds.push(`write -P ${(i % 250) + 1} ${i * stride} 1M`);
  qemuIo(file, cmds, { format: fmt });
}

/** Grows a file with a sparse tail so the editor's next cluster lands at `at`. */
function endAt(file: string, at: number): void {
  expect(statSync(file).size).toBeLessThanOrEqual(at);
  truncateSync(file, at);
}

/** Host clusters one refcount block covers. */
const perBlock = (cs: number, bits: number) => (cs * 8) / bits;

interface Case {
  cs: number;
  bits: number;
  mib: number;
  tail?: number;
  label: string;
}
const cases: Case[] = [
  { cs: 512, bits: 16, mib: 3, label: '24 new blocks' },
  { cs: 512, bits: 16, mib: 9, label: 'over 64 blocks: the one-cluster table moves' },
  { cs: 512, bits: 1, mib: 5, label: 'refcount_bits=1, 3 new blocks' },
  { cs: 512, bits: 1, mib: 2, tail: 200 * MiB, label: 'refcount_bits=1, file end at 200 MiB: the table moves' },
  { cs: 4096, bits: 16, mib: 20, label: '3 new blocks' },
  {
    cs: 4096,
    bits: 1,
    mib: 3,
    tail: 128 * MiB - 1 * MiB,
    label: 'refcount_bits=1, crossing the 128 MiB block boundary',
  },
];

describe('in-place edits that need new refcount blocks', () => {
  beforeAll(() => {
    root = makeScratchDir('edit-refblocks');
  });
  afterAll(() => removeScratchDir(root));

  for (const c of cases) {
    const opts = `cluster_size=${c.cs},refcount_bits=${c.bits}`;
    test(`commit into a ${opts} base, ${c.mib} MiB (${c.label}): clean, reads as the chain`, async () => {
      const d = dir();
      const base = join(d, 'base.qcow2');
      const top = join(d, 'top.qcow2');
      qemuImg(['create', '-q', '-f', 'qcow2', '-o', opts, base, `${64 * c.mib}M`]);
      qemuIo(base, ['write -P 0xee 0 64k']);
      if (c.tail) endAt(base, c.tail);
      qemuImg(['create', '-q', '-f', 'qcow2', '-o', 'cluster_size=65536', '-b', 'base.qcow2', '-F', 'qcow2', top]);
      fill(top, c.mib, 64 * MiB - 32 * 1024);
      const flat = join(d, 'flat.raw');
      qemuImg(['convert', '-O', 'raw', top, flat]);
      await vdiskOk(['commit', top], d);
      expectCheckClean(base);
      expectIdentical(flat, base);
      expect(c.tail === undefined || statSync(base).size > c.tail).toBe(true);
    });
  }

  test('safe rebase -b "" of a cluster_size=512 top over 4 MiB of backing data: clean, reads as before', async () => {
    const d = dir();
    const base = join(d, 'base.raw');
    const top = join(d, 'top.qcow2');
    qemuImg(['create', '-q', '-f', 'raw', base, '8M']);
    fill(base, 4, 2 * MiB, 'raw');
    qemuImg(['create', '-q', '-f', 'qcow2', '-o', 'cluster_size=512', '-b', 'base.raw', '-F', 'raw', top]);
    qemuIo(top, ['write -P 0x44 1M 64k']);
    const flat = join(d, 'flat.raw');
    qemuImg(['convert', '-O', 'raw', top, flat]);
    await vdiskOk(['rebase', '-b', '', top], d);
    expectCheckClean(top);
    expectIdentical(flat, top);
    expect(qemuInfo(top)['backing-filename']).toBeUndefined();
  });

  test('safe rebase -b "" of a cluster_size=4096,refcount_bits=1 top whose file ends below 128 MiB', async () => {
    const d = dir();
    const base = join(d, 'base.raw');
    const top = join(d, 'top.qcow2');
    qemuImg(['create', '-q', '-f', 'raw', base, '8M']);
    fill(base, 3, 2 * MiB, 'raw');
    qemuImg([
      'create',
      '-q',
      '-f',
      'qcow2',
      '-o',
      'cluster_size=4096,refcount_bits=1',
      '-b',
      'base.raw',
      '-F',
      'raw',
      top,
    ]);
    endAt(top, 128 * MiB - 1 * MiB);
    const flat = join(d, 'flat.raw');
    qemuImg(['convert', '-O', 'raw', top, flat]);
    await vdiskOk(['rebase', '-b', '', top], d);
    expectCheckClean(top);
    expectIdentical(flat, top);
  });

  for (const opts of ['cluster_size=512', 'cluster_size=512,refcount_bits=1', 'cluster_size=4096,refcount_bits=16']) {
    test(`convert -n onto a larger existing qcow2 (${opts}): clean, source window then the target's tail`, async () => {
      const d = dir();
      const src = join(d, 'src.raw');
      const dst = join(d, 'dst.qcow2');
      qemuImg(['create', '-q', '-f', 'raw', src, '24M']);
      fill(src, 12, 2 * MiB, 'raw');
      qemuImg(['create', '-q', '-f', 'qcow2', '-o', opts, dst, '32M']);
      qemuIo(dst, ['write -P 0x77 30M 1M']);
      const expected = join(d, 'expected.raw');
      qemuImg(['convert', '-O', 'raw', dst, expected]);
      qemuImg(['convert', '-n', '-f', 'raw', '-O', 'raw', src, expected]);
      await vdiskOk(['convert', '-n', '-f', 'raw', '-O', 'qcow2', src, dst], d);
      expectCheckClean(dst);
      expectIdentical(expected, dst);
    });
  }

  for (const [opts, size, label] of [
    ['cluster_size=512', '4G', 'L1 of 2048 clusters'],
    ['cluster_size=512', '40G', 'L1 of 20480 clusters: the refcount table moves'],
    ['cluster_size=512,refcount_bits=1', '40G', 'refcount_bits=1'],
    ['cluster_size=4096,refcount_bits=16', '4T', 'L1 of 4096 clusters, 2 new blocks'],
  ] as const) {
    test(`resize growing the L1 table (${opts} to ${size}, ${label}): clean, data kept`, async () => {
      const d = dir();
      const img = join(d, 'img.qcow2');
      qemuImg(['create', '-q', '-f', 'qcow2', '-o', opts, img, '8M']);
      qemuIo(img, ['write -P 0x55 0 1M', 'write -P 0x56 7M 1M']);
      const before = join(d, 'before.raw');
      qemuImg(['convert', '-O', 'raw', img, before]);
      await vdiskOk(['resize', img, size], d);
      expectCheckClean(img);
      expect(qemuInfo(img)['virtual-size']).toBe(parseSize(size));
      expectIdentical(before, img);
    });
  }

  test('commit into a 64 KiB-cluster base whose file crosses 2 GiB: the second refcount block is linked', async () => {
    const d = dir();
    const base = join(d, 'base.qcow2');
    const top = join(d, 'top.qcow2');
    qemuImg(['create', '-q', '-f', 'qcow2', base, '4G']);
    qemuIo(base, ['write -P 0xee 0 64k']);
    expect(perBlock(65536, 16) * 65536).toBe(2 * GiB);
    endAt(base, 2 * GiB - 512 * 1024);
    qemuImg(['create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', top]);
    fill(top, 2, 1 * GiB);
    const flat = join(d, 'flat.raw');
    qemuImg(['convert', '-O', 'raw', top, flat]);
    await vdiskOk(['commit', top], d);
    expect(statSync(base).size).toBeGreaterThan(2 * GiB);
    expectCheckClean(base);
    expectIdentical(flat, base);
  });
});

function parseSize(s: string): number {
  const u = { G: GiB, T: 1024 * GiB } as Record<string, number>;
  return Number(s.slice(0, -1)) * u[s.slice(-1)]!;
}
