// The two gateway copies in front of the agents, each its own process: `vdisk gateway` on Node and
// the same app under workerd. Both are killed with SIGKILL and started again on the same port;
// clients pick either at random, as behind a load balancer.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayConfigInput } from '../../src/gateway/config.js';
import { startEdgeGateway, type EdgeGateway } from '../../src/gateway/edge/launch.js';

export interface Gateway {
  name: 'node' | 'workerd';
  url: string;
  up: boolean;
  restarts: number;
  /** Gone at once: open connections cut (workerd: SIGKILL). */
  kill(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** `vdisk gateway` in its own process (the verb bundled like the agent's), killed with SIGKILL. */
export function nodeGateway(config: GatewayConfigInput, bundle: string, dir: string): Gateway {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let listen = '127.0.0.1:0';
  mkdirSync(dir, { recursive: true });
  const tokenFile = join(dir, 'tokens');
  writeFileSync(tokenFile, config.tokens.map((t) => `${t.scope} ${t.token}${t.name ? ` ${t.name}` : ''}\n`).join(''), {
    mode: 0o600,
  });
  const agentArgs = config.agents.flatMap((a) => {
    const file = join(dir, `secret-${a.name}`);
    writeFileSync(file, a.secret, { mode: 0o600 });
    return ['--agent', `${a.name}=${a.url},secret-file=${file}`];
  });
  const g: Gateway = {
    name: 'node',
    url: '',
    up: false,
    restarts: 0,
    async start() {
      const c = spawn(process.execPath, [bundle, ...agentArgs, '--token-file', tokenFile, '--listen', listen], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = c;
      exited = new Promise((r) => c.once('exit', () => r()));
      let out = '';
      g.url = await new Promise<string>((resolve, reject) => {
        const seen = (d: Buffer) => {
          out += d;
          const m = /listening on (http:\/\/[^ ]+)/.exec(out);
          if (m) resolve(m[1]!);
        };
        c.stdout!.on('data', seen);
        c.stderr!.on('data', seen);
        c.once('exit', (code) => reject(new Error(`gateway exited (${code}) at start: ${out.slice(-2000)}`)));
      });
      listen = new URL(g.url).host;
      g.up = true;
    },
    async kill() {
      g.up = false;
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async close() {
      await g.kill();
    },
  };
  return g;
}

export function workerdGateway(config: GatewayConfigInput, root: string): Gateway {
  let gw: EdgeGateway | undefined;
  let port = 0;
  const g: Gateway = {
    name: 'workerd',
    url: '',
    up: false,
    restarts: 0,
    async start() {
      gw = await startEdgeGateway(config, { host: '127.0.0.1', port }, root);
      g.url = gw.url;
      port = Number(new URL(gw.url).port);
      g.up = true;
    },
    async kill() {
      g.up = false;
      if (!gw) return;
      const child = gw.child;
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await gone;
      }
      await gw.close(); // removes its temp dir
      gw = undefined;
    },
    async close() {
      await g.kill();
    },
  };
  return g;
}
