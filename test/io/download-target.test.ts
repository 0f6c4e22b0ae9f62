// The stream target: operations in call order even when their promises are awaited out of order,
// the caller's buffer copied at call time, gaps as zeros, and a backward write refused.
import { describe, expect, it } from 'vitest';
import { DownloadTarget } from '../../src/io/download-target.js';

function sink() {
  const chunks: Uint8Array[] = [];
  const stream = new WritableStream<Uint8Array>({
    write: async (c) => {
      await new Promise((r) => setTimeout(r, 1));
      chunks.push(c);
    },
  });
  const bytes = () => Buffer.concat(chunks);
  return { stream, bytes };
}

describe('DownloadTarget', () => {
  it('writes in call order, zero-fills gaps and copies buffers at call time', async () => {
    const s = sink();
    const t = new DownloadTarget(s.stream, 'out.raw');
    const buf = new Uint8Array([1, 2, 3, 4]);
    const a = t.pwrite(buf, 0);
    buf.fill(9); // reused by the caller before the write ran
    const b = t.pwrite(new Uint8Array([5, 6]), 8);
    await Promise.all([b, a]);
    await t.truncate(12);
    await t.commit();
    expect([...s.bytes()]).toEqual([1, 2, 3, 4, 0, 0, 0, 0, 5, 6, 0, 0]);
  });
  it('refuses a write behind the stream position, and every operation after it', async () => {
    const t = new DownloadTarget(sink().stream, 'out.raw');
    await t.pwrite(new Uint8Array(8), 0);
    await expect(t.pwrite(new Uint8Array(2), 4)).rejects.toMatchObject({ code: 'E_TARGET_NOT_SEEKABLE' });
    await expect(t.zero(8, 8)).rejects.toMatchObject({ code: 'E_TARGET_NOT_SEEKABLE' });
    await t.abort();
  });
});
