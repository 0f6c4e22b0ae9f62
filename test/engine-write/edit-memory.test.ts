// Memory of an in-place edit: a commit of one 4 KiB cluster every 2 MiB (one new L2 table each in a
// 4K-cluster base). The editor writes and drops its L2 tables and refcount blocks past a limit (4 MiB),
// so its live memory does not grow with the tables touched; the peak still carries some short-lived
// garbage of the copy (collected by a forced GC), hence the loose margin. It was 161 MB before.
import { closeSync, mkdirSync, openSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeScratchDir, removeScratchDir } from '../fixtures/tmp-dir.js';
import { qemuImg } from '../fixtures/qemu.js';
import { expectCheckClean, expectIdentical, vdiskOk } from './helpers.js';

const MiB = 1 << 20;
let root: string;

/** A chain whose top holds `tables` scattered 4 KiB clusters, one per 2 MiB of guest range. */
function chain(tables: number): { dir: string; base: string; top: string; flat: string } {
  const dir = join(root, `t${tables}`);
  mkdirSync(dir);
  const size = tables * 2 * MiB;
  const flat = join(dir, 'flat.raw');
  const fd = openSync(flat, 'w');
  const block = new Uint8Array(4096);
  for (let i = 0; i < tables; i++) {
    block.fill((i % 251) + 1);
    writeSync(fd, block, 0, block.length, i * 2 * MiB + (i % 512) * 4096);
  }
  closeSync(fd);
  truncateSync(flat, size);
  const base = join(dir, 'base.qcow2');
  const top = join(dir, 'top.qcow2');
  qemuImg(['create', '-q', '-f', 'qcow2', '-o', 'cluster_size=4096', base, String(size)]);
  qemuImg(['convert', '-f', 'raw', '-O', 'qcow2', '-o', 'cluster_size=4096', flat, top]);
  qemuImg(['rebase', '-u', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', top], dir);
  return { dir, base, top, flat };
}

describe('in-place edit memory', () => {
  beforeAll(() => { root = makeScratchDir('edit-memory'); });
  afterAll(() => removeScratchDir(root));

  test('commit touching 16384 L2 tables: peak RSS under 128 MiB, within 48 MiB of one touching 2048', async () => {
    const peaks: number[] = [];
    for (const tables of [2048, 16384]) {
      const c = chain(tables);
      const r = await vdiskOk(['commit', c.top], c.dir);
      expectCheckClean(c.base);
      expectIdentical(c.flat, c.base);
      peaks.push(r.maxRssKiB!);
    }
    const [small, big] = peaks as [number, number];
    expect(big - small, `peak RSS ${small} KiB (2048 tables) vs ${big} KiB (16384 tables)`).toBeLessThan(48 * 1024);
    expect(big).toBeLessThan(128 * 1024);
  }, 120_000);
});
