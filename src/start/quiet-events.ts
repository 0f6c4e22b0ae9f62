// Streamed bodies relayed on Node (event streams, image bytes): when the upstream ends abruptly —
// almost always because the browser went away or closed the image — the relayed stream just ends.
// An event-stream client resumes with Last-Event-ID; a byte reader sees fewer bytes than
// Content-Length and retries. Without this the Node adapter prints a bare "Error: aborted" each time.
export function quietEvents(res: Response): Response {
  if (!res.body) return res;
  const reader = res.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(ctl) {
      try {
        const { value, done } = await reader.read();
        if (done) ctl.close();
        else ctl.enqueue(value);
      } catch {
        ctl.close();
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}
