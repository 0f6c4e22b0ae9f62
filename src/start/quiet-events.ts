// Event streams served on Node: an abrupt upstream end becomes a plain end of the stream.
/**
 * An event stream whose upstream ends abruptly (the browser left, the agent's stream was cut) just
 * ends: the client resumes with Last-Event-ID. Without this the Node adapter logs every such end.
 */
export function quietEvents(res: Response): Response {
  if (!res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) return res;
  const reader = res.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(ctl) {
      try {
        const { value, done } = await reader.read();
        if (done) ctl.close(); else ctl.enqueue(value);
      } catch {
        ctl.close();
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(body, { status: res.status, headers: res.headers });
}
