// The Blob/File source with Node's own Blob and File.
import { describe, expect, it } from 'vitest';
import { BlobSource } from '../../src/io/blob-source.js';
import type { ImageSource } from '../../src/io/source.js';

const bytes = new Uint8Array(100_000).map((_, i) => (i * 31) & 0xff);

describe('BlobSource', () => {
  it('takes size and name from a File', () => {
    const src = new BlobSource(new File([bytes], 'disk.raw'));
    expect(src.size).toBe(bytes.length);
    expect(src.name).toBe('disk.raw');
    expect(new BlobSource(new Blob([bytes])).name).toBe('blob');
  });

  it('reads slices into an aligned view of Wasm memory', async () => {
    const src = new BlobSource(new Blob([bytes.subarray(0, 50_000), bytes.subarray(50_000)]));
    const view = new Uint8Array(new WebAssembly.Memory({ initial: 1 }).buffer, 4096, 8192);
    expect(await src.pread(view, 45_000)).toBe(8192); // spans the two parts of the Blob
    expect(view).toEqual(bytes.subarray(45_000, 45_000 + 8192));
  });

  it('returns a short count at the end and 0 past it, leaving the rest of the buffer alone', async () => {
    const src = new BlobSource(new Blob([bytes]));
    const buf = new Uint8Array(4096).fill(0xee);
    expect(await src.pread(buf, bytes.length - 96)).toBe(96);
    expect(buf.subarray(0, 96)).toEqual(bytes.subarray(bytes.length - 96));
    expect(buf.subarray(96).every((b) => b === 0xee)).toBe(true);
    expect(await src.pread(buf, bytes.length)).toBe(0);
    await expect(src.pread(buf, -4)).rejects.toMatchObject({ code: 'E_RANGE' });
  });

  it('knows nothing of holes or allocation', () => {
    const src: ImageSource = new BlobSource(new Blob([bytes]));
    expect(src.extents).toBeUndefined();
    expect(src.allocatedSize).toBeUndefined();
  });
});
