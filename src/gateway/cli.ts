// `vdisk gateway`: the gateway app on Node (@hono/node-server). Reads the secret and token files,
// checks the configuration, listens, and stops cleanly on SIGINT/SIGTERM.
import { serve } from '@hono/node-server';
import { readPrivateFile } from '../auth/private-files.js';
import type { CliIo } from '../term/io.js';
import { VdiskError } from '../errors/vdisk-error.js';
import { createGatewayApp, type GatewayOptions } from './app.js';
import { parseTokenFile, type GatewayConfigInput } from './config.js';
import { parseGatewayArgs, type GatewayArgs } from './cli-args.js';
import { agentFetch } from './tls-fetch.js';

/** Secret and token files: readable by their owner only (else E_SECRET_FILE_MODE, naming the chmod). */
async function readSecret(path: string, what: string): Promise<string> {
  try {
    return readPrivateFile(path, what).trim();
  } catch (e) {
    if ((e as VdiskError).code !== 'E_SECRET_FILE_UNREADABLE') throw e;
    throw new VdiskError('E_GATEWAY_CONFIG', `cannot read the ${what} file`, { path, hint: String((e as VdiskError).detail.errno) });
  }
}

export async function configFromArgs(args: GatewayArgs): Promise<GatewayConfigInput> {
  const agents = await Promise.all(args.agents.map(async (a) => ({ name: a.name, url: a.url, secret: await readSecret(a.secretFile, `secret for agent ${a.name}`) })));
  const tokens = parseTokenFile(await readSecret(args.tokenFile, 'token'));
  return { agents, tokens, corsOrigins: args.corsOrigins, ...(args.maxBodyBytes && { maxBodyBytes: args.maxBodyBytes }) };
}

/** Starts the gateway on Node; answers its URL and a close function. */
export async function startGateway(config: GatewayConfigInput, listen: { host: string; port: number }, opts: GatewayOptions = {}) {
  const app = createGatewayApp(config, opts);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: listen.host, port: listen.port }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as { port: number };
  // SSE streams stay open until their job ends; closing them is part of a clean stop.
  const close = () => new Promise<void>((r) => { (server as { closeAllConnections?: () => void }).closeAllConnections?.(); server.close(() => r()); });
  return { url: `http://${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${port}`, close };
}

export async function gatewayCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseGatewayArgs(argv);
  const gw = await startGateway(await configFromArgs(args), args, { fetch: await agentFetch(args.agents) });
  io.stdout(`vdisk gateway listening on ${gw.url} (agents: ${args.agents.map((a) => a.name).join(', ')})\n`);
  await new Promise<void>((resolve) => {
    const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); gw.close().then(resolve); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
