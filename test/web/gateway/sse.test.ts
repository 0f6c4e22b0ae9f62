// The console's SSE parser (eventsource-parser underneath): events split across chunks, multi-line
// data, ids, comments (heartbeats), and the three cases the old hand-written parser got wrong or
// never met: an event with no `event:` field is `message`, a lone CR ends a line, and a CRLF split
// between two chunks is one line end, not two (which would end the event early).
import { describe, expect, it } from 'vitest';
import { parseSse, type SseEvent } from '../../../web/gateway/sse.js';

function stream(parts: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const p of parts) c.enqueue(enc.encode(p));
      c.close();
    },
  });
}

async function all(parts: string[]): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const e of parseSse(stream(parts))) out.push(e);
  return out;
}

describe('parseSse', () => {
  it('reads events across chunk boundaries, skipping comments', async () => {
    expect(
      await all([
        'id: 1\nevent: progress\nda',
        'ta: {"progress":0.5}\n\n: heartbeat\n\n',
        'id: 2\r\nevent: end\r\ndata: a\r\ndata: b\r\n\r\n',
      ]),
    ).toEqual([
      { id: '1', event: 'progress', data: '{"progress":0.5}' },
      { id: '2', event: 'end', data: 'a\nb' },
    ]);
  });

  it('names an event without an event field `message`', async () => {
    expect(await all(['id: 7\ndata: plain\n\n'])).toEqual([{ id: '7', event: 'message', data: 'plain' }]);
  });

  it('ends lines at a lone CR', async () => {
    expect(await all(['id: 3\revent: state\rdata: x\rdata: y\r\r'])).toEqual([
      { id: '3', event: 'state', data: 'x\ny' },
    ]);
  });

  it('drops an event the stream ended before its blank line', async () => {
    expect(await all(['data: whole\n\ndata: cut'])).toEqual([{ event: 'message', data: 'whole' }]);
    expect(await all(['data: whole\r\n\r\ndata: cut\r'])).toEqual([{ event: 'message', data: 'whole' }]);
  });

  it('reads a CRLF split across chunks as one line end', async () => {
    // Split after the CR: read as CR then LF, the LF would be a blank line and end the event before `data: two`.
    expect(await all(['event: step\r', '\ndata: one\r', '\ndata: two\r\n\r\n'])).toEqual([
      { event: 'step', data: 'one\ntwo' },
    ]);
  });

  it('keeps multi-byte characters split between chunks', async () => {
    const bytes = new TextEncoder().encode('data: größe\n\n');
    const s = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.slice(0, 9));
        c.enqueue(bytes.slice(9));
        c.close();
      },
    });
    const out: SseEvent[] = [];
    for await (const e of parseSse(s)) out.push(e);
    expect(out).toEqual([{ event: 'message', data: 'größe' }]);
  });
});
