// Which transport an agent may serve on: plain HTTP only where nobody else can listen in (loopback
// addresses, unix sockets), HTTPS anywhere; plain HTTP elsewhere only with --insecure-http, and then
// with a warning on every start. The gateway's signature covers the request, not the answer:
// inventories, image bytes and job events cross the network in clear text over plain HTTP.
import { isIP } from 'node:net';
import { VdiskError } from '../errors/vdisk-error.js';
import type { AgentConfig } from './config.js';

/** 127.0.0.0/8, ::1 (and its v4-mapped form) or a unix socket. */
export function isLoopback(listen: string): boolean {
  if (listen.startsWith('unix:')) return true;
  const host = listen
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./.test(host) || host === '0:0:0:0:0:0:0:1';
  return false;
}

/** Throws E_USAGE for plain HTTP off loopback without --insecure-http; warns when it is allowed. */
export function checkTransport(
  config: Pick<AgentConfig, 'listen' | 'tls' | 'insecureHttp'>,
  warn: (line: string) => void,
): void {
  if (config.tls || isLoopback(config.listen)) return;
  if (!config.insecureHttp) {
    throw new VdiskError('E_USAGE', `plain HTTP on ${config.listen} would carry disk data unencrypted off this host`, {
      field: 'listen',
      hint: 'give --tls-cert and --tls-key, listen on 127.0.0.1 or unix:PATH, or pass --insecure-http',
    });
  }
  warn(
    `vdisk agent: WARNING: serving plain HTTP on ${config.listen} (--insecure-http): anyone on the path can read inventories, image bytes and job events\n`,
  );
}
