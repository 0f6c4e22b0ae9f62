// `vdisk start`: the whole system on one machine with nothing to configure. A demo pool written by
// the engine, one agent, the gateway and the console on 127.0.0.1 behind one origin, a demo VM where
// QEMU is installed, and a short-lived login link. stop() takes it all down in reverse order.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../engine/core/engine.js';
import { createAgent } from '../agent/agent.js';
import { mintSession } from '../auth/session-token.js';
import { createGatewayApp } from '../gateway/app.js';
import { VdiskError } from '../errors/vdisk-error.js';
import { makeDemoPool } from './demo-pool.js';
import { qemuAvailable, startDemoVm, type DemoVm } from './demo-vm.js';
import { consoleServer } from './console-server.js';
import { quietEvents } from './quiet-events.js';
import { listen, type Listening } from './listen.js';
import { LoginTokens, makeLoginToken, randomToken } from './login-token.js';
import { prepareStartDir } from './start-dir.js';

export interface StartOptions {
  dir?: string;
  port?: number;
  /** Lifetime of the printed login link. */
  loginTtlMs?: number;
  vm?: boolean;
  /** Lifetime of a console session the login link gives (default 12). */
  sessionHours?: number;
  /** Now, for session expiry (tests inject one). */
  clock?: () => number;
  log?: (line: string) => void;
}

export interface System {
  url: string;
  loginUrl: string;
  dir: string;
  liveOps: { available: boolean; reason?: string };
  /** A fresh login link (the printed one is single-use). */
  newLoginUrl(): Promise<string>;
  stop(): Promise<void>;
}

export function findWebRoot(): string {
  const candidates = [new URL('./web/', import.meta.url), new URL('../../dist/web/', import.meta.url)].map((u) =>
    fileURLToPath(u),
  );
  const found = candidates.find((d) => existsSync(join(d, 'console.js')));
  if (!found)
    throw new VdiskError('E_NOT_FOUND', 'the console is not built', {
      path: candidates[0],
      hint: 'run npm run build (npm start does it for you)',
    });
  return found;
}

async function listenConsole(
  app: { fetch(r: Request): Response | Promise<Response> },
  port: number | undefined,
): Promise<Listening> {
  if (port !== undefined) return listen(app, port);
  return listen(app, 7480).catch(() => listen(app, 0)); // the usual port, or any free one
}

export async function startSystem(engine: Engine, o: StartOptions = {}): Promise<System> {
  const log = o.log ?? (() => {});
  const webRoot = findWebRoot();
  const clock = o.clock ?? Date.now;
  const sessionMs = (o.sessionHours ?? 12) * 3600_000;
  const noQemu = o.vm === false ? 'the demo VM was turned off (--no-vm)' : qemuAvailable();
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  const { dir, release } = prepareStartDir(o.dir);
  stops.push(async () => release());
  try {
    log(`writing the demo pool in ${dir}`);
    const pool = await makeDemoPool(engine, dir, !noQemu);
    const runDir = join(dir, 'run');
    mkdirSync(runDir, { recursive: true, mode: 0o700 });
    let vm: DemoVm | undefined;
    if (!noQemu) {
      vm = await startDemoVm(pool.vmDisk, runDir);
      stops.push(() => vm!.stop());
      log('started the demo VM (QMP on a unix socket)');
    }

    const agentSecret = randomToken(32);
    const agent = createAgent(
      {
        name: 'local',
        roots: pool.pools,
        vms: vm ? [{ name: vm.name, socket: vm.socket }] : [],
        listen: '127.0.0.1:0',
        secret: agentSecret,
        stateDir: join(dir, 'agent-state'),
        jobTimeoutMs: 3600_000,
        heartbeatMs: 15_000,
        adopt: pool.adopt,
      },
      { log: () => {} },
    );
    stops.push(() => agent.close());
    await agent.start();
    const agentServer = await listen({ fetch: async (r: Request) => quietEvents(await agent.app.fetch(r)) }, 0);
    stops.push(() => agentServer.close());
    log(`agent "local" on ${agentServer.url}`);

    // The console gets sessions that expire; the standing token is never handed out (the config needs one).
    const sessionSecret = randomToken(32);
    const gateway = createGatewayApp(
      {
        agents: [{ name: 'local', url: agentServer.url.replace(/\/$/, ''), secret: agentSecret }],
        tokens: [{ token: randomToken(32), scope: 'write' }],
        sessionSecret,
      },
      { log: () => {}, clock },
    );
    const session = async () => {
      const expiresAt = clock() + sessionMs;
      return { token: await mintSession(sessionSecret, 'write', expiresAt), expiresAt };
    };
    const loginSecret = randomToken(32);
    const liveOps = noQemu ? { available: false, reason: noQemu } : { available: true };
    const site = await listenConsole(
      consoleServer({
        webRoot,
        config: { liveOps },
        login: { tokens: new LoginTokens(loginSecret), session },
        gateway,
      }),
      o.port,
    );
    stops.push(() => site.close());
    const newLoginUrl = async () =>
      `${site.url}#login=${await makeLoginToken(loginSecret, o.loginTtlMs ?? 10 * 60_000)}`;
    return { url: site.url, loginUrl: await newLoginUrl(), dir, liveOps, newLoginUrl, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
