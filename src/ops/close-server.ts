// Closing a Node HTTP server gracefully: stop accepting at once, let the answers in flight finish
// (`settled`: the drain's count reached zero; their bytes may still be in the socket, so sockets are
// closed only once idle), then cut whatever is still open when the grace period ends.
interface ClosableServer {
  close(cb?: (err?: Error) => void): unknown;
  closeIdleConnections?(): void;
  closeAllConnections?(): void;
}

export async function closeAfter(server: ClosableServer, settled: Promise<void>, graceMs: number): Promise<void> {
  const closed = new Promise<void>((r) => server.close(() => r()));
  const idle = setInterval(() => server.closeIdleConnections?.(), 50);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const grace = new Promise<void>((r) => {
    timer = setTimeout(r, graceMs);
  });
  await Promise.race([settled.then(() => closed), grace]);
  clearInterval(idle);
  clearTimeout(timer);
  server.closeAllConnections?.();
  await closed;
}
