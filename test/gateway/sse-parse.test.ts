// The gateway's and CLI's SSE reader (eventsource-parser underneath) on the cases where the two
// hand-written parsers disagreed (issue 15): the default event name, lone CR line ends, and a CRLF
// split across two chunks; plus comments, multi-line data and ids.
import { describe, expect, it } from 'vitest';
import { readSse, type SseEvent } from '../../src/gateway/sse-parse.js';

function body(chunks: string[]): ReadableStream<Uint8Array> {
  const utf8 = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const s of chunks) c.enqueue(utf8.encode(s));
      c.close();
    },
  });
}

async function read(chunks: string[]): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const e of readSse(body(chunks))) out.push(e);
  return out;
}

describe('readSse', () => {
  it('names an event without an event field `message`', async () => {
    expect(await read(['data: hello\n\n', 'event: end\ndata: {}\n\n'])).toEqual([
      { event: 'message', data: 'hello' },
      { event: 'end', data: '{}' },
    ]);
  });

  it('ends lines at a lone CR', async () => {
    expect(await read(['id: 7\revent: progress\rdata: a\rdata: b\r\r'])).toEqual([
      { id: '7', event: 'progress', data: 'a\nb' },
    ]);
  });

  it('reads a CRLF split across two chunks as one line end, not two', async () => {
    expect(await read(['data: a\r', '\ndata: b\r\n\r', '\n'])).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('drops an event the stream ends in the middle of', async () => {
    expect(await read(['data: a\n\n', 'data: cut off'])).toEqual([{ event: 'message', data: 'a' }]);
  });

  it('drops comments (heartbeats) and events without data, keeps multi-byte text split across chunks', async () => {
    const euro = new TextEncoder().encode('data: €\n\n');
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(': heartbeat\n\nevent: nothing\n\n'));
        c.enqueue(euro.subarray(0, 7));
        c.enqueue(euro.subarray(7));
        c.close();
      },
    });
    const out: SseEvent[] = [];
    for await (const e of readSse(stream)) out.push(e);
    expect(out).toEqual([{ event: 'message', data: '€' }]);
  });
});
