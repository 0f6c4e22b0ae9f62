// Serves the agent's app on Node: `HOST:PORT` (127.0.0.1 by default) or `unix:PATH` (mode 0600), over
// HTTPS when given a certificate and key (and requiring client certificates signed by a given CA).
// Plain HTTP is for loopback and unix sockets; elsewhere it needs `insecureHttp` (checked by the CLI,
// src/agent/transport.ts). A request answered before its body was read (a refusal) gets a bounded
// discard: the rest is read and dropped, at most LINGER_BYTES or LINGER_MS, then the connection is cut.
// Cutting it at once would reset it under the client's feet and it might never read the refusal.
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type ServerType } from '@hono/node-server';
import { VdiskError } from '../errors/vdisk-error.js';
import { closeAfter } from '../ops/close-server.js';
import type { AgentTls } from './config.js';

export interface Listening {
  server: ServerType;
  address: string;
  /** Stops at once: open connections (event streams among them) are cut. */
  close(): Promise<void>;
  /** Stops accepting, lets the answers in flight finish (`settled`), cuts the rest after `graceMs`. */
  drain(settled: Promise<void>, graceMs: number): Promise<void>;
}

const LINGER_BYTES = 64 * 1024 * 1024;
const LINGER_MS = 30_000;

function tlsServer(tls: AgentTls) {
  return {
    createServer: createHttpsServer,
    serverOptions: {
      cert: readFileSync(tls.certFile),
      key: readFileSync(tls.keyFile),
      minVersion: 'TLSv1.2' as const,
      ...(tls.clientCaFile && { ca: readFileSync(tls.clientCaFile), requestCert: true, rejectUnauthorized: true }),
    },
  };
}

/** After the answer: the unread rest of a body is dropped, bounded in bytes and time. */
function lingerOnUnreadBody(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket; // detached from both by the time the answer has finished
  res.once('finish', () => {
    if (req.complete || socket.destroyed) return;
    let dropped = 0;
    const cut = () => socket.destroy();
    const timer = setTimeout(cut, LINGER_MS).unref();
    req.on('data', (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > LINGER_BYTES) cut();
    });
    req.once('end', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
  });
}

export function listen(
  fetch: (req: Request) => Response | Promise<Response>,
  addr: string,
  tls?: AgentTls,
): Promise<Listening> {
  // Node itself reads and drops an unread body after the answer; lingerOnUnreadBody bounds that.
  const server = createAdaptorServer({ fetch, autoCleanupIncoming: false, ...(tls && tlsServer(tls)) });
  server.on('request', lingerOnUnreadBody);
  // Event streams stay open for as long as a job runs: end them rather than wait.
  const cutIdle = () => (server as { closeAllConnections?: () => void }).closeAllConnections?.();
  const close = () =>
    new Promise<void>((r) => {
      server.close(() => r());
      cutIdle();
    });
  const drain = (settled: Promise<void>, graceMs: number) => closeAfter(server, settled, graceMs);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (addr.startsWith('unix:')) {
      const path = addr.slice(5);
      rmSync(path, { force: true }); // a socket left by a killed agent
      server.listen(path, () => {
        chmodSync(path, 0o600);
        resolve({ server, address: addr, close, drain });
      });
      return;
    }
    const m = /^(.*):(\d+)$/.exec(addr);
    if (!m)
      return reject(
        new VdiskError('E_USAGE', `--listen takes HOST:PORT or unix:PATH, not ${addr}`, { field: 'listen' }),
      );
    const host = m[1]!.replace(/^\[|\]$/g, '');
    server.listen(Number(m[2]), host, () =>
      resolve({ server, address: `${m[1]}:${(server.address() as AddressInfo).port}`, close, drain }),
    );
  });
}
