// Server-Sent Events over fetch (EventSource cannot send an Authorization header): parses the
// stream, remembers the last id and reconnects with Last-Event-ID until the `end` event arrives.
import type { GatewayClient } from './client.js';
import { problem } from './client.js';

export interface SseEvent { id?: string; event: string; data: string }

export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>).getReader();
  let buf = '';
  let ev: Partial<SseEvent> & { data?: string } = {};
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    let nl: number;
    while ((nl = buf.search(/\r?\n/)) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + (buf[nl] === '\r' ? 2 : 1));
      if (line === '') {
        if (ev.data !== undefined) yield { id: ev.id, event: ev.event ?? 'message', data: ev.data };
        ev = {};
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const k = colon < 0 ? line : line.slice(0, colon);
        const v = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (k === 'data') ev.data = ev.data === undefined ? v : `${ev.data}\n${v}`;
        else if (k === 'event') ev.event = v;
        else if (k === 'id') ev.id = v;
      }
    }
  }
}

/** Every event of a job until `end`, reconnecting (with Last-Event-ID) when the stream breaks. */
export async function* jobEvents(gw: GatewayClient, id: string, signal: AbortSignal): AsyncGenerator<SseEvent> {
  let last: string | undefined;
  for (let attempt = 0; attempt < 20; attempt++) {
    const res = await fetch(gw.url(`/v1/jobs/${encodeURIComponent(id)}/events`), {
      signal, headers: { ...gw.headers, accept: 'text/event-stream', ...(last && { 'last-event-id': last }) },
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
