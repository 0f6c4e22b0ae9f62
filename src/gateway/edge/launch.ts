// `npm run edge`: the same gateway app under workerd. Builds the worker bundle with esbuild
// (platform neutral: nothing Node-only may be in it), writes the workerd config beside it (no secret
// in either file), and starts `workerd serve --experimental` with the secrets in its environment only.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import type { CliIo } from '../../term/io.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import { configFromArgs } from '../cli.js';
import { parseGatewayArgs } from '../cli-args.js';
import { parseGatewayConfig, type GatewayConfigInput } from '../config.js';
import { secretBinding } from '../worker.js';
import { edgeCapnp, envVar } from './capnp.js';

/** The esbuild options of the workerd bundle (shared/TOOLCHAIN.md); test/house/bundles.test.ts checks them. */
export function edgeBundleOptions(root: string, outfile: string): BuildOptions {
  return {
    entryPoints: [join(root, 'src/gateway/worker.ts')],
    outfile,
    bundle: true,
    platform: 'neutral',
    format: 'esm',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    logLevel: 'warning',
  };
}

/** Bundles src/gateway/worker.ts the way workerd loads it. */
export async function buildEdgeBundle(root: string, outfile: string): Promise<void> {
  await build(edgeBundleOptions(root, outfile));
}

async function freePort(host: string): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, host, r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

export interface EdgeGateway {
  url: string;
  child: ChildProcess;
  output: () => string;
  close: () => Promise<void>;
}

export async function startEdgeGateway(
  input: GatewayConfigInput,
  listen: { host: string; port: number },
  root = process.cwd(),
): Promise<EdgeGateway> {
  const config = parseGatewayConfig(input); // fail here, not inside workerd
  const dir = await mkdtemp(join(tmpdir(), 'vdisk-edge-'));
  await buildEdgeBundle(root, join(dir, 'gateway.mjs'));
  const port = listen.port || (await freePort(listen.host));
  const agents = config.agents.map(({ name, url }) => ({ name, url }));
  await writeFile(
    join(dir, 'gateway.capnp'),
    edgeCapnp({
      bundle: 'gateway.mjs',
      host: listen.host,
      port,
      agents,
      corsOrigins: config.corsOrigins,
      maxBodyBytes: config.maxBodyBytes,
      heartbeatMs: config.heartbeatMs,
      agentTimeoutMs: config.agentTimeoutMs,
      fanOutTimeoutMs: config.fanOutTimeoutMs,
      inventoryTtlMs: config.inventoryTtlMs,
      inventoryStaleMs: config.inventoryStaleMs,
    }),
    { mode: 0o600 },
  );
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    [envVar('GATEWAY_TOKENS')]: config.tokens
      .map((t) => `${t.scope} ${t.token}${t.name ? ` ${t.name}` : ''}`)
      .join('\n'),
  };
  for (const a of config.agents) env[envVar(secretBinding(a.name))] = a.secret;
  const child = spawn(
    join(root, 'node_modules/.bin/workerd'),
    ['serve', '--experimental', join(dir, 'gateway.capnp')],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const url = `http://${listen.host}:${port}`;
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, () => out);
  } catch (e) {
    await close();
    throw e;
  }
  return { url, child, output: () => out, close };
}

async function waitReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null)
      throw new VdiskError('E_GATEWAY_CONFIG', `workerd exited (${child.exitCode}): ${output().slice(-2000)}`);
    const ok = await fetch(`${url}/v1/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new VdiskError('E_GATEWAY_CONFIG', `workerd did not answer on ${url}: ${output().slice(-2000)}`);
}

/** The `npm run edge` command: same arguments as `vdisk gateway`. */
export async function edgeCommand(argv: string[], io: CliIo, root = process.cwd()): Promise<number> {
  const args = parseGatewayArgs(argv);
  const tls = args.agents.find((a) => a.caFile || a.certFile);
  // workerd trusts its own store, set in its config, not per fetch: docs/gateway.md "Agents over HTTPS".
  if (tls)
    throw new VdiskError(
      'E_USAGE',
      `--agent ${tls.name}: ca-file, cert-file and key-file work with vdisk gateway on Node, not on workerd`,
      { hint: 'see docs/gateway.md, "Agents over HTTPS"' },
    );
  const gw = await startEdgeGateway(await configFromArgs(args), args, root);
  io.stdout(`vdisk gateway (workerd) listening on ${gw.url} (agents: ${args.agents.map((a) => a.name).join(', ')})\n`);
  gw.child.stdout!.pipe(process.stdout);
  gw.child.stderr!.pipe(process.stderr);
  await new Promise<void>((resolve) => {
    const stop = () => {
      gw.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    gw.child.once('exit', () => resolve());
  });
  return gw.child.exitCode ?? 0;
}
