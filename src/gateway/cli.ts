// `vdisk gateway`: the gateway app on Node (@hono/node-server). Reads the secret and token files,
// checks the configuration, listens, and stops cleanly on SIGINT/SIGTERM.
import { serve } from '@hono/node-server';
import { readPrivateFile } from '../auth/private-files.js';
import type { CliIo } from '../term/io.js';
import { VdiskError } from '../errors/vdisk-error.js';
import { createGatewayApp, type GatewayOptions } from './app.js';
import { jsonLineLogger } from './deps.js';
import { Drain } from './drain.js';
import { closeAfter } from '../ops/close-server.js';
import { parseTokenFile, type GatewayConfigInput } from './config.js';
import { parseGatewayArgs, type GatewayArgs } from './cli-args.js';
import { agentFetch } from './tls-fetch.js';

/** Secret and token files: readable by their owner only (else E_SECRET_FILE_MODE, naming the chmod). */
async function readSecret(path: string, what: string): Promise<string> {
  try {
    return readPrivateFile(path, what).trim();
  } catch (e) {
    if ((e as VdiskError).code !== 'E_SECRET_FILE_UNREADABLE') throw e;
    throw new VdiskError('E_GATEWAY_CONFIG', `cannot read the ${what} file`, {
      path,
      hint: String((e as VdiskError).detail.errno),
    });
  }
}

export async function configFromArgs(args: GatewayArgs): Promise<GatewayConfigInput> {
  const agents = await Promise.all(
    args.agents.map(async (a) => ({
      name: a.name,
      url: a.url,
      secret: await readSecret(a.secretFile, `secret for agent ${a.name}`),
    })),
  );
  const tokens = parseTokenFile(await readSecret(args.tokenFile, 'token'));
  return {
    agents,
    tokens,
    corsOrigins: args.corsOrigins,
    ...(args.maxBodyBytes && { maxBodyBytes: args.maxBodyBytes }),
  };
}

/**
 * Node has no execution context; this one lets background work (an inventory refresh) run on, as
 * workerd's ctx.waitUntil does, so routes need not find out per request by catching Hono's throw.
 */
const NODE_CONTEXT = {
  waitUntil: (p: Promise<unknown>) => void p.catch(() => {}),
  passThroughOnException: () => {},
  props: {},
};

/** How long a stopping gateway waits for answers in flight before it cuts the rest. */
export const DRAIN_MS = 10_000;

/** Starts the gateway on Node; answers its URL, a drain-then-close function and a hard close. */
export async function startGateway(
  config: GatewayConfigInput,
  listen: { host: string; port: number },
  opts: GatewayOptions = {},
) {
  const drain = opts.drain ?? new Drain();
  const app = createGatewayApp(config, { ...opts, drain });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      { fetch: (req, env) => app.fetch(req, env, NODE_CONTEXT), hostname: listen.host, port: listen.port },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  const { port } = server.address() as { port: number };
  const closeAll = () => (server as { closeAllConnections?: () => void }).closeAllConnections?.();
  // SSE streams stay open until their job ends; closing them is part of a clean stop.
  const close = () =>
    new Promise<void>((r) => {
      closeAll();
      server.close(() => r());
    });
  /** SIGTERM: refuse new work, let answers in flight finish (streams get their retry hint), then stop. */
  const stop = async (graceMs = DRAIN_MS) => {
    drain.start();
    await closeAfter(server, drain.settled(), graceMs);
  };
  return { url: `http://${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${port}`, close, stop, drain };
}

export async function gatewayCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseGatewayArgs(argv);
  const log = jsonLineLogger;
  const gw = await startGateway(await configFromArgs(args), args, { fetch: await agentFetch(args.agents), log });
  io.stdout(`vdisk gateway listening on ${gw.url} (agents: ${args.agents.map((a) => a.name).join(', ')})\n`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    // A second signal while draining changes nothing: the drain has its own deadline (DRAIN_MS).
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log({ level: 'info', msg: 'draining', signal, inFlight: gw.drain.active });
      gw.stop().then(() => {
        log({ level: 'info', msg: 'stopped' });
        resolve();
      });
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
