// Reads a text/event-stream body into events (WHATWG HTML "interpreting an event stream") with
// eventsource-parser, the one SSE parser of the gateway and the CLI: CR, LF and CRLF line ends (also
// a CRLF split across two chunks), comments (heartbeats) dropped, an event without `event:` named
// `message`, an event without data not dispatched.
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

function toEvent(m: EventSourceMessage): SseEvent {
  return { ...(m.id !== undefined && { id: m.id }), event: m.event || 'message', data: m.data };
}

export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const text = new TextDecoder();
  const ready: SseEvent[] = [];
  const parser = createParser({ onEvent: (m) => ready.push(toEvent(m)) });
  let endsInCr = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      // The parser holds a CR that ends a chunk (it may be half of a CRLF). At the end it is a line
      // end: completing it as CRLF says so. An event not closed by a blank line is dropped (standard).
      const chunk: string = done ? (endsInCr ? '\n' : '') : text.decode(value, { stream: true });
      if (chunk) {
        parser.feed(chunk);
        endsInCr = chunk.endsWith('\r');
      }
      while (ready.length) yield ready.shift()!;
      if (done) return;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
