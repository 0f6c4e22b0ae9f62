// The koffi bindings against the real kernel: each call does what its man page says on a real file
// (ext4 here), and failures come back as errno names, never as exceptions.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { libc, FALLOC, LOCK, SEEK, SYNC_RANGE, type Libc } from '../../../src/io/native/libc.js';

const MiB = 1 << 20;
let dir: string;
let L: Libc;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vdisk-native-'));
  const l = libc();
  if (!l) throw new Error('koffi did not load: run `npm ci` (koffi ships prebuilt binaries)');
  L = l;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sparseFile(name: string): number {
  const fd = openSync(join(dir, name), 'w+');
  writeSync(fd, Buffer.alloc(MiB, 7), 0, MiB, 4 * MiB); // data at [4, 5) MiB, holes around it
  return fd;
}

describe('libc through koffi', () => {
  it('copy_file_range copies bytes between descriptors at given offsets', async () => {
    const a = sparseFile('a');
    const b = openSync(join(dir, 'b'), 'w+');
    expect(await L.copyFileRange(a, 4 * MiB, b, 12345, MiB)).toBe(MiB);
    const back = Buffer.alloc(MiB);
    readSync(b, back, 0, MiB, 12345);
    expect(back.every((x) => x === 7)).toBe(true);
    expect(await L.copyFileRange(a, 5 * MiB, b, 0, MiB)).toBe(0); // at the source's end
    expect(await L.copyFileRange(a, 0, 987654, 0, 10)).toBe('EBADF');
    closeSync(a);
    closeSync(b);
  });

  it('sync_file_range starts and waits for writeback of a file; errno names for a bad descriptor or a pipe', async () => {
    const fd = sparseFile('s');
    expect(await L.syncFileRange(fd, 0, 0, SYNC_RANGE.WRITE)).toBe(0);
    expect(await L.syncFileRange(fd, 0, 0, SYNC_RANGE.WAIT_BEFORE | SYNC_RANGE.WRITE | SYNC_RANGE.WAIT_AFTER)).toBe(0);
    expect(await L.syncFileRange(fd, 0, 0, 0xff)).toBe('EINVAL');
    expect(await L.syncFileRange(987654, 0, 0, SYNC_RANGE.WRITE)).toBe('EBADF');
    closeSync(fd);
  });

  it('lseek finds data and holes; ENXIO past the last data', () => {
    const a = sparseFile('c');
    expect(L.lseek(a, 0, SEEK.DATA)).toBe(4 * MiB);
    expect(L.lseek(a, 4 * MiB, SEEK.HOLE)).toBe(5 * MiB);
    expect(L.lseek(a, 5 * MiB, SEEK.DATA)).toBe('ENXIO');
    expect(L.lseek(a, 0, SEEK.END)).toBe(5 * MiB);
    closeSync(a);
  });

  it('fallocate punches a hole (size kept) and zeroes a range', async () => {
    const a = sparseFile('d');
    const before = fstatSync(a).blocks;
    expect(await L.fallocate(a, FALLOC.PUNCH_HOLE | FALLOC.KEEP_SIZE, 4 * MiB, MiB / 2)).toBe(0);
    expect(fstatSync(a).blocks).toBe(before - MiB / 2 / 512);
    expect(fstatSync(a).size).toBe(5 * MiB);
    expect(await L.fallocate(a, FALLOC.ZERO_RANGE, 4 * MiB + MiB / 2, 4096)).toBe(0);
    const back = Buffer.alloc(4096 * 2);
    readSync(a, back, 0, back.length, 4 * MiB + MiB / 2);
    expect([back[0], back[4095], back[4096]]).toEqual([0, 0, 7]);
    expect(await L.fallocate(a, 0, 8 * MiB, MiB)).toBe(0); // preallocation grows the file
    expect(fstatSync(a).size).toBe(9 * MiB);
    expect(await L.fallocate(a, 0, -1, 1)).toBe('EINVAL');
    closeSync(a);
  });

  it('flock: a second open file description cannot take an exclusive lock held by the first', () => {
    const a = sparseFile('e');
    const b = openSync(join(dir, 'e'), 'r');
    expect(L.flock(a, LOCK.EX | LOCK.NB)).toBe(0);
    expect(L.flock(b, LOCK.EX | LOCK.NB)).toBe('EWOULDBLOCK');
    expect(L.flock(a, LOCK.UN)).toBe(0);
    expect(L.flock(b, LOCK.EX | LOCK.NB)).toBe(0);
    closeSync(a);
    closeSync(b);
  });

  it('FICLONERANGE is refused on ext4 with an errno name, not an exception', () => {
    const a = sparseFile('f');
    const b = openSync(join(dir, 'g'), 'w+');
    expect(['EOPNOTSUPP', 'ENOTSUP', 'EXDEV', 'EINVAL', 'ENOTTY']).toContain(L.cloneRange(a, 4 * MiB, 65536, b, 0));
    closeSync(a);
    closeSync(b);
  });
});
