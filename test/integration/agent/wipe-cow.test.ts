// The wipe on a copy-on-write file system, on a real loop-mounted XFS with reflink: data the old file
// shares with a reflink clone is punched, not zeroed (zeros written there would land in new blocks,
// cost space and erase nothing), and the clone keeps its blocks and its data; data it does not share
// is zeroed in place, so the device itself no longer holds it. Either way the old file reads all zero
// through a descriptor held across the unlink.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readThrough } from '../../helpers/held-file.js';
import { ended, planFor, qemuImg, qemuIo, submit, testAgent, type TestAgent } from '../../agent/helpers.js';
import { extentsOf, mountXfs, nonZeroOnDevice, sha256, type Xfs } from './xfs.js';

let xfs: Xfs;
let t: TestAgent | undefined;
const fds: number[] = [];
const MiB = 1 << 20;
beforeAll(() => {
  xfs = mountXfs();
});
afterAll(() => xfs?.unmount());
afterEach(async () => {
  for (const fd of fds.splice(0)) closeSync(fd);
  await t?.close();
  t = undefined;
});

/** An agent whose p1 is a directory on the XFS, p2 elsewhere; p1:disk.qcow2 holds 3 MiB of 0x3c, held open. */
async function setUp(name: string): Promise<{ src: string; fd: number }> {
  const p1 = join(xfs.dir, name);
  mkdirSync(p1);
  const p2 = mkdtempSync(join(tmpdir(), 'vxfs-p2-'));
  t = await testAgent({
    roots: [
      { name: 'p1', dir: p1 },
      { name: 'p2', dir: p2 },
    ],
  });
  const close = t.close;
  t.close = async () => {
    await close();
    rmSync(p1, { recursive: true, force: true });
    rmSync(p2, { recursive: true, force: true });
  };
  const src = join(p1, 'disk.qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', src, '16M');
  qemuIo(src, 'write -P 0x3c 0 3M');
  execFileSync('sync');
  const fd = openSync(src, 'r');
  fds.push(fd);
  return { src, fd };
}

async function moveWithWipe(): Promise<void> {
  const st = await ended(
    t!,
    (await submit(t!, await planFor(t!, { kind: 'move', volume: 'p1:disk.qcow2', toPool: 'p2', wipeSource: true })))
      .body.id,
  );
  expect([st.state, st.report?.orphans]).toEqual(['done', []]);
  execFileSync('sync');
}

describe('wipe on XFS with reflink', () => {
  it('data shared with a reflink clone is punched: the clone keeps its blocks and data, no space is spent', async () => {
    const { src, fd } = await setUp('shared');
    const clone = join(xfs.dir, 'clone.qcow2'); // outside the roots, on the same file system
    execFileSync('cp', ['--reflink=always', src, clone]);
    execFileSync('sync');
    const before = { sum: sha256(clone), extents: extentsOf(clone), free: xfs.free() };
    expect(before.extents.filter((e) => e.shared).reduce((n, e) => n + e.length, 0)).toBeGreaterThanOrEqual(3 * MiB);
    await moveWithWipe();
    expect(readThrough(fd)).toMatchObject({ nonZero: 0, links: 0 });
    expect(sha256(clone)).toBe(before.sum);
    expect(extentsOf(clone).map(({ logical, physical, length }) => [logical, physical, length])).toEqual(
      before.extents.map(({ logical, physical, length }) => [logical, physical, length]),
    );
    // Zeros written over the shared 3 MiB would have taken 3 MiB of new blocks.
    expect(before.free - xfs.free()).toBeLessThan(MiB);
    rmSync(clone);
  });

  it('data not shared is zeroed in place: the device no longer holds it', async () => {
    const { fd, src } = await setUp('own');
    const extents = extentsOf(src);
    expect(extents.some((e) => e.shared)).toBe(false);
    const onDevice = extents.reduce((n, e) => n + nonZeroOnDevice(xfs.image, e.physical, e.length), 0);
    expect(onDevice).toBeGreaterThan(3 * MiB);
    await moveWithWipe();
    expect(readThrough(fd)).toMatchObject({ nonZero: 0, links: 0 });
    expect(extents.reduce((n, e) => n + nonZeroOnDevice(xfs.image, e.physical, e.length), 0)).toBe(0);
  });
});

describe('wipe on btrfs', () => {
  let btrfs: Xfs;
  beforeAll(() => {
    btrfs = mountXfs('btrfs');
  });
  afterAll(() => btrfs?.unmount());

  it('every data run is punched (every write is copy-on-write there): the old file reads all zero, a clone keeps its data', async () => {
    const saved = xfs;
    xfs = btrfs; // setUp puts p1 on `xfs`
    try {
      const { src, fd } = await setUp('btrfs');
      const clone = join(btrfs.dir, 'clone.qcow2');
      execFileSync('cp', ['--reflink=always', src, clone]);
      execFileSync('sync');
      const sum = sha256(clone);
      const free = btrfs.free();
      await moveWithWipe();
      expect(readThrough(fd)).toMatchObject({ nonZero: 0, links: 0 });
      expect(sha256(clone)).toBe(sum);
      expect(free - btrfs.free()).toBeLessThan(MiB);
    } finally {
      xfs = saved;
    }
  });
});
