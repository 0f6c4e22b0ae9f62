// The two gateway copies in front of the agents: one on Node (@hono/node-server, in this process)
// and one under workerd (its own process). Both can be killed and started again on the same port;
// clients pick either at random, as behind a load balancer.
import type { GatewayConfigInput } from '../../src/gateway/config.js';
import { startGateway } from '../../src/gateway/cli.js';
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

export function nodeGateway(config: GatewayConfigInput): Gateway {
  let server: Awaited<ReturnType<typeof startGateway>> | undefined;
  let port = 0;
  const g: Gateway = {
    name: 'node', url: '', up: false, restarts: 0,
    async start() {
      server = await startGateway(config, { host: '127.0.0.1', port }, { log: () => {} });
      g.url = server.url;
      port = Number(new URL(server.url).port);
      g.up = true;
    },
    // A crashed process: every connection reset, nothing answered. (closeAllConnections inside close.)
    async kill() {
      g.up = false;
      await server?.close();
      server = undefined;
    },
    async close() { await g.kill(); },
  };
  return g;
}

export function workerdGateway(config: GatewayConfigInput, root: string): Gateway {
  let gw: EdgeGateway | undefined;
  let port = 0;
  const g: Gateway = {
    name: 'workerd', url: '', up: false, restarts: 0,
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
    async close() { await g.kill(); },
  };
  return g;
}
