// Reads a text/event-stream body into events (WHATWG HTML "interpreting an event stream"):
// `field: value` lines, blank line ends an event, `:` lines are comments (heartbeats) and dropped.
export interface SseEvent { id?: string; event?: string; data: string }

export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const text = new TextDecoder();
  let buf = '';
  let ev: SseEvent & { lines: string[] } = { data: '', lines: [] };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buf += text.decode(value, { stream: true });
      let nl: number;
      while ((nl = buf.search(/\r\n|\r|\n/)) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + (buf.startsWith('\r\n', nl) ? 2 : 1));
        if (line === '') {
          if (ev.lines.length) yield { ...(ev.id !== undefined && { id: ev.id }), ...(ev.event && { event: ev.event }), data: ev.lines.join('\n') };
          ev = { data: '', lines: [] };
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') ev.lines.push(val);
        else if (field === 'event') ev.event = val;
        else if (field === 'id' && !val.includes('\0')) ev.id = val;
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
