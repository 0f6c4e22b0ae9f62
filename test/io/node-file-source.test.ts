// Reads, sizes and errors of the Node file source on real files.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeFileSource } from '../../src/io/node-file-source.js';
import { fsError } from '../../src/io/fs-error.js';
import { VdiskError } from '../../src/errors/vdisk-error.js';
import { filled, makeSparseFile, makeTempDir } from './helpers/sparse-files.js';

let tmp: ReturnType<typeof makeTempDir>;
let patterned: string;
const SIZE = 3 * 1024 * 1024 + 1234;

beforeAll(() => {
  tmp = makeTempDir();
  patterned = join(tmp.dir, 'pattern.img');
  const bytes = new Uint8Array(SIZE);
  for (let i = 0; i < SIZE; i++) bytes[i] = (i * 7 + (i >> 12)) & 0xff;
  writeFileSync(patterned, bytes);
});
afterAll(() => tmp?.remove());

/** A 4 KiB-aligned window onto Wasm memory, as the engine passes to pread. */
function wasmView(offset: number, length: number): Uint8Array {
  const memory = new WebAssembly.Memory({ initial: Math.ceil((offset + length) / 65536) });
  return new Uint8Array(memory.buffer, offset, length);
}

describe('NodeFileSource', () => {
  it('reports name and size from fstat', async () => {
    const src = await NodeFileSource.open(patterned);
    expect(src.name).toBe(patterned);
    expect(src.size).toBe(SIZE);
    await src.close();
  });

  it('reads straight into an aligned view of Wasm memory', async () => {
    const src = await NodeFileSource.open(patterned);
    const file = readFileSync(patterned);
    for (const [offset, length] of [
      [0, 4096],
      [8192, 1024 * 1024],
      [12345, 4096 * 3],
    ] as const) {
      const view = wasmView(4096, length);
      expect(await src.pread(view, offset)).toBe(length);
      expect(Buffer.from(view).equals(file.subarray(offset, offset + length))).toBe(true);
    }
    await src.close();
  });

  it('returns a short count only at end of file and never writes past it', async () => {
    const src = await NodeFileSource.open(patterned);
    const buf = new Uint8Array(8192).fill(0xee);
    expect(await src.pread(buf, SIZE - 100)).toBe(100);
    expect(Buffer.from(buf.subarray(0, 100)).equals(readFileSync(patterned).subarray(SIZE - 100))).toBe(true);
    expect(buf.subarray(100).every((b) => b === 0xee)).toBe(true);
    expect(await src.pread(buf, SIZE)).toBe(0);
    expect(await src.pread(buf, SIZE + 4096)).toBe(0);
    await src.close();
  });

  it('reads holes as zeros', async () => {
    const path = join(tmp.dir, 'holes.img');
    makeSparseFile(path, 1024 * 1024, [[512 * 1024, filled(4096, 0x11)]]);
    const src = await NodeFileSource.open(path);
    const buf = new Uint8Array(8192).fill(0xff);
    expect(await src.pread(buf, 512 * 1024 - 4096)).toBe(8192);
    expect(buf.subarray(0, 4096).every((b) => b === 0)).toBe(true);
    expect(buf.subarray(4096).every((b) => b === 0x11)).toBe(true);
    await src.close();
  });

  it('refuses a negative or fractional offset', async () => {
    const src = await NodeFileSource.open(patterned);
    await expect(src.pread(new Uint8Array(16), -1)).rejects.toMatchObject({ code: 'E_RANGE' });
    await expect(src.pread(new Uint8Array(16), 1.5)).rejects.toMatchObject({ code: 'E_RANGE' });
    await src.close();
  });

  it('reports allocated bytes from st_blocks', async () => {
    const path = join(tmp.dir, 'alloc.img');
    makeSparseFile(path, 64 * 1024 * 1024, [[0, filled(64 * 1024)]]);
    const src = await NodeFileSource.open(path);
    const allocated = await src.allocatedSize();
    expect(allocated).toBe(statSync(path).blocks * 512);
    expect(allocated).toBeGreaterThanOrEqual(64 * 1024);
    expect(allocated).toBeLessThan(1024 * 1024);
    await src.close();
  });

  it('opens read-only: writing through the handle fails', async () => {
    const src = await NodeFileSource.open(patterned);
    const handle = (src as unknown as { handle: import('node:fs/promises').FileHandle }).handle;
    await expect(handle.write(new Uint8Array(1), 0, 1, 0)).rejects.toMatchObject({ code: 'EBADF' });
    await src.close();
  });
});

describe('NodeFileSource errors', () => {
  it('maps a missing file to E_NOT_FOUND with its path', async () => {
    const path = join(tmp.dir, 'nope', 'missing.img');
    const err = await NodeFileSource.open(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VdiskError);
    expect(err).toMatchObject({ code: 'E_NOT_FOUND', detail: { path, errno: 'ENOENT' } });
  });

  it('refuses a directory with E_IO', async () => {
    const path = join(tmp.dir, 'a-directory');
    mkdirSync(path);
    await expect(NodeFileSource.open(path)).rejects.toMatchObject({ code: 'E_IO', detail: { path } });
  });

  // The tests run as root, for whom chmod 000 does not deny reads, so the errno mapping is checked directly.
  it.each([
    ['EACCES', 'E_PERMISSION'],
    ['EPERM', 'E_PERMISSION'],
    ['ENOENT', 'E_NOT_FOUND'],
    ['EIO', 'E_IO'],
    ['EMFILE', 'E_IO'],
  ])('maps %s to %s', (errno, code) => {
    const err = Object.assign(new Error(`${errno}: failed`), { code: errno });
    const mapped = fsError(err, '/images/a.img', 'open');
    expect(mapped).toMatchObject({ code, detail: { path: '/images/a.img', errno } });
    expect(mapped.message).toContain('/images/a.img');
  });
});
