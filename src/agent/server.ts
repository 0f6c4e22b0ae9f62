// Serves the agent's app on Node: `HOST:PORT` (127.0.0.1 by default) or `unix:PATH` (mode 0600).
import { chmodSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type ServerType } from '@hono/node-server';
import { VdiskError } from '../errors/vdisk-error.js';

export interface Listening { server: ServerType; address: string; close(): Promise<void> }

export function listen(fetch: (req: Request) => Response | Promise<Response>, addr: string): Promise<Listening> {
  const server = createAdaptorServer({ fetch });
  // Event streams stay open for as long as a job runs: end them rather than wait.
  const close = () => new Promise<void>((r) => {
    server.close(() => r());
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (addr.startsWith('unix:')) {
      const path = addr.slice(5);
      rmSync(path, { force: true }); // a socket left by a killed agent
      server.listen(path, () => {
        chmodSync(path, 0o600);
        resolve({ server, address: addr, close });
      });
      return;
    }
    const m = /^(.*):(\d+)$/.exec(addr);
    if (!m) return reject(new VdiskError('E_USAGE', `--listen takes HOST:PORT or unix:PATH, not ${addr}`, { field: 'listen' }));
    const host = m[1]!.replace(/^\[|\]$/g, '');
    server.listen(Number(m[2]), host, () => resolve({ server, address: `${m[1]}:${(server.address() as AddressInfo).port}`, close }));
  });
}
