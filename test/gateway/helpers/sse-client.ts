// Reads a text/event-stream answer block by block (the test's own reader, independent of the
// gateway's parser), so tests can wait for the next event or comment and act in between.
export interface Block {
  raw: string;
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

export function sseReader(res: Response) {
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  const parse = (raw: string): Block => {
    const b: Block = { raw };
    for (const line of raw.split('\n')) {
      const i = line.indexOf(':');
      const [k, v] = i < 0 ? [line, ''] : [line.slice(0, i), line.slice(i + 1).replace(/^ /, '')];
      if (k === '') b.comment = v;
      else if (k === 'data') b.data = b.data === undefined ? v : `${b.data}\n${v}`;
      else if (k === 'id' || k === 'event') b[k] = v;
    }
    return b;
  };
  return {
    /** The next block, or undefined when the stream ended. */
    async next(): Promise<Block | undefined> {
      for (;;) {
        const end = buf.indexOf('\n\n');
        if (end >= 0) {
          const raw = buf.slice(0, end);
          buf = buf.slice(end + 2);
          return parse(raw);
        }
        const { done, value } = await reader.read();
        if (done) return undefined;
        buf += dec.decode(value, { stream: true });
      }
    },
    /** Skips comments (heartbeats) and answers the next event. */
    async nextEvent(): Promise<Block | undefined> {
      for (;;) {
        const b = await this.next();
        if (!b || b.comment === undefined) return b;
      }
    },
    cancel: () => reader.cancel(),
  };
}
