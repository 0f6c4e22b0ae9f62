// Serves a fetch handler on 127.0.0.1 (port 0 picks a free one) and says where; close() waits for
// open connections to end, after asking them to.
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';

export interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

export function listen(
  app: { fetch(req: Request): Response | Promise<Response> },
  port = 0,
  hostname = '127.0.0.1',
): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => {
      resolve({
        url: `http://${hostname}:${info.port}/`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.once('error', reject);
  });
}
