// The streamed File source gives the Blob's bytes whatever order and overlap the reads come in:
// concurrent reads in order (one stream), gaps read through, a read far ahead (a new stream), reads
// behind the stream (slice reads), short reads at the end, and a close while reads are queued; with a
// BYOB reader (its buffer handed back and forth) and with the default one.
import { describe, expect, it } from 'vitest';
import { blobTimings } from '../../src/io/blob-source.js';
import { MAX_SKIP, StreamedBlobSource } from '../../worker/streamed-blob.js';

const bytes = new Uint8Array(6 << 20).map((_, i) => (i * 2654435761) >>> 24);
const blob = new Blob([bytes]);

/** Byte equality (toEqual walks a large typed array element by element, for seconds). */
const same = (a: Uint8Array, b: Uint8Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

async function read(src: StreamedBlobSource, offset: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  const n = await src.pread(buf, offset);
  return buf.subarray(0, n);
}

describe.each([
  ['a BYOB reader', true],
  ['the default reader', false],
])('streamed File source with %s', (_, byob) => {
  it('serves concurrent in-order reads from one stream, gaps read through', async () => {
    const src = new StreamedBlobSource(blob, 'f', byob);
    const before = blobTimings.reads;
    const spans: [number, number][] = [
      [0, 100_000],
      [100_000, 300_000],
      [500_000, 1 << 20],
      [(1 << 20) + 600_000, 5],
    ];
    const got = await Promise.all(spans.map(([o, l]) => read(src, o, l)));
    for (const [i, [o, l]] of spans.entries()) expect(same(got[i]!, bytes.subarray(o, o + l))).toBe(true);
    expect(blobTimings.reads - before).toBe(1);
    await src.close();
  });

  it('starts a new stream far ahead and slice-reads behind, with the same bytes', async () => {
    const src = new StreamedBlobSource(blob, 'f', byob);
    const before = blobTimings.reads;
    expect(same(await read(src, 1000, 4096), bytes.subarray(1000, 5096))).toBe(true);
    const far = 5096 + MAX_SKIP + 1;
    expect(same(await read(src, far, 8192), bytes.subarray(far, far + 8192))).toBe(true); // a second stream
    expect(same(await read(src, 0, 2000), bytes.subarray(0, 2000))).toBe(true); // behind: a slice read
    expect(same(await read(src, far + 8192, 10), bytes.subarray(far + 8192, far + 8202))).toBe(true); // the stream goes on
    expect(blobTimings.reads - before).toBe(3);
    await src.close();
  });

  it('returns short reads at the end and nothing past it', async () => {
    const src = new StreamedBlobSource(blob, 'f', byob);
    const end = bytes.length;
    expect(same(await read(src, end - 10, 100), bytes.subarray(end - 10))).toBe(true);
    expect((await read(src, end, 100)).length).toBe(0);
    await expect(src.pread(new Uint8Array(1), -1)).rejects.toMatchObject({ code: 'E_RANGE' });
    await src.close();
  });

  it('settles queued reads when closed', async () => {
    const src = new StreamedBlobSource(blob, 'f', byob);
    const reads = [read(src, 0, 1 << 20), read(src, 1 << 20, 1 << 20)];
    await src.close();
    for (const r of await Promise.all(reads)) expect(r.length).toBeLessThanOrEqual(1 << 20);
  });
});
