// Server-Sent Events over fetch (EventSource cannot send an Authorization header). The stream is
// parsed by eventsource-parser (the WHATWG rules: default event name `message`, CR, LF and CRLF line
// ends, a CRLF split across chunks); this file only remembers the last id and reconnects with
// Last-Event-ID until the `end` event arrives.
import { createParser } from 'eventsource-parser';
import type { GatewayClient } from './client.js';
import { problem } from './problem.js';

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const text = new TextDecoder();
  const ready: SseEvent[] = [];
  const parser = createParser({
    onEvent: (e) => ready.push({ ...(e.id !== undefined && { id: e.id }), event: e.event || 'message', data: e.data }),
  });
  let tail = '';
  const feed = (s: string) => {
    if (s) {
      parser.feed(s);
      tail = s;
    }
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      feed(text.decode(value, { stream: true }));
      while (ready.length) yield ready.shift()!;
    }
    feed(text.decode());
    // A stream that ends on a CR: the parser waits to see whether an LF follows; none will, so the
    // CR ends its line. (An LF after it is read as the same line end, never as a blank line.)
    if (tail.endsWith('\r')) parser.feed('\n');
    while (ready.length) yield ready.shift()!;
  } finally {
    reader.releaseLock();
  }
}

/** Every event of a job until `end`, reconnecting with Last-Event-ID (from `lastId`, or the stream's own) when it breaks. */
export async function* jobEvents(
  gw: GatewayClient,
  id: string,
  signal: AbortSignal,
  lastId?: string,
): AsyncGenerator<SseEvent> {
  let last = lastId;
  for (let attempt = 0; attempt < 20; attempt++) {
    const res = await gw.fetch(gw.url(`/v1/jobs/${encodeURIComponent(id)}/events`), {
      signal,
      headers: { ...gw.headers, accept: 'text/event-stream', ...(last && { 'last-event-id': last }) },
    });
    if (!res.ok || !res.body) throw await problem(res);
    try {
      for await (const ev of parseSse(res.body)) {
        if (ev.id) last = ev.id;
        yield ev;
        if (ev.event === 'end') return;
      }
    } catch (e) {
      if (signal.aborted) throw e;
    }
    await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** attempt)));
  }
}
