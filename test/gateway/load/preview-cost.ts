// Per-preview cost of the gateway in one process (never run by tests): the app answering POST /v1/plans
// through app.request() against fake agents whose inventories are cached, each request another volume.
// `node --cpu-prof` on the bundle shows where the time goes. Prints one JSON line.
import { createGatewayApp } from '../../../src/gateway/app.js';
import { startFleet } from '../helpers/fleet.js';
import { prng } from './drive.js';

export async function previewCost(agents: number, volumes: number, n: number) {
  const fleet = await startFleet({ agents, volumes });
  try {
    const app = createGatewayApp(fleet.config, { log: () => {} });
    const headers = { authorization: `Bearer ${fleet.tokens.read}`, 'content-type': 'application/json' };
    const rand = prng(1);
    const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} };
    const body = (k: number) => {
      const i = Math.floor(rand() * agents);
      const j = Math.floor(rand() * volumes);
      return JSON.stringify({ request: { kind: 'clone', volume: `v${i}-${j}`, toPool: `p${i}b`, name: `c${k}.img` } });
    };
    const one = async (k: number) => {
      const res = await app.request('/v1/plans', { method: 'POST', headers, body: body(k) }, {}, ctx);
      if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
      await res.text();
    };
    for (let k = 0; k < 200; k++) await one(k); // warm: the cache and the JIT
    const lat: number[] = [];
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let k = 0; k < n; k++) {
      const t = performance.now();
      await one(k);
      lat.push(performance.now() - t);
    }
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    lat.sort((a, b) => a - b);
    return {
      agents,
      volumes,
      n,
      msPerPreview: wall / n,
      cpuMsPerPreview: (cpu.user + cpu.system) / 1000 / n,
      p50: lat[n >> 1],
      p99: lat[Math.floor(n * 0.99)],
    };
  } finally {
    await fleet.close();
  }
}

const [agents, volumes, n] = process.argv.slice(2).map(Number);
if (agents) console.log(JSON.stringify(await previewCost(agents, volumes!, n ?? 2000)));
