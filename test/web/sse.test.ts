// The console's SSE parser: events split across chunks, multi-line data, ids, comments (heartbeats).
import { describe, expect, it } from 'vitest';
import { parseSse } from '../../web/gateway/sse.js';

function stream(parts: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({ start(c) { for (const p of parts) c.enqueue(enc.encode(p)); c.close(); } });
}

describe('parseSse', () => {
  it('reads events across chunk boundaries, skipping comments', async () => {
    const out = [];
    for await (const e of parseSse(stream(['id: 1\nevent: progress\nda', 'ta: {"progress":0.5}\n\n: heartbeat\n\n', 'id: 2\r\nevent: end\r\ndata: a\r\ndata: b\r\n\r\n']))) out.push(e);
    expect(out).toEqual([
      { id: '1', event: 'progress', data: '{"progress":0.5}' },
      { id: '2', event: 'end', data: 'a\nb' },
    ]);
  });
});
