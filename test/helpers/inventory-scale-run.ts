// The inventory-at-scale measurement (issue 14 item 2), run by scripts/bench/inventory.mjs in two
// Node processes so the second one's memory is the agent's alone: `generate DIR IMAGES VMS` makes
// the pool; `measure DIR` starts a real agent on it (its VMs are off: their QMP sockets do not
// exist), then times the first scan, refreshes of the unchanged pool, and in-process plan previews
// against the cached inventory, each on a different volume. Each prints one JSON line.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAgent } from '../../src/agent/agent.js';
import { silentLogger } from '../../src/agent/log.js';
import { counterIds } from '../../src/plan/ids.js';
import { planRequest } from '../../src/plan/plan.js';
import { generatePool, type GeneratedPool } from './image-pool.js';

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
/** CPU ms (user + system, all threads) since `c0`: what a step costs whatever else runs on the machine. */
const cpuMs = (c0: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1000;
};
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

const rootsOf = (dir: string) => ['p1', 'p2'].map((name) => ({ name, dir: join(dir, name) }));

export function generateScalePool(dir: string, images: number, vmCount: number) {
  const roots = rootsOf(dir);
  for (const r of roots) mkdirSync(r.dir, { recursive: true });
  const t0 = process.hrtime.bigint();
  const pool = generatePool(
    { roots, images, vms: vmCount, host: 'h1', stateDir: join(dir, 'state') },
    join(dir, 'templates'),
  );
  const generateMs = ms(t0);
  writeFileSync(join(dir, 'pool.json'), JSON.stringify(pool));
  return {
    images: pool.images,
    qcow2: pool.qcow2,
    raw: pool.raw,
    vms: pool.vms.length,
    snapshots: pool.snapshots,
    generateMs,
  };
}

export async function runInventoryScale(dir: string) {
  const roots = rootsOf(dir);
  const stateDir = join(dir, 'state');
  const pool = JSON.parse(readFileSync(join(dir, 'pool.json'), 'utf8')) as GeneratedPool;
  const vms = pool.vms.map((name) => ({ name, socket: join(dir, 'qmp', `${name}.sock`) }));
  const agent = createAgent(
    {
      name: 'h1',
      roots,
      vms,
      listen: '127.0.0.1:0',
      secret: 'bench secret of enough length',
      stateDir,
      jobTimeoutMs: 60_000,
      heartbeatMs: 15_000,
    },
    { log: silentLogger },
  );
  await agent.start();

  let t0 = process.hrtime.bigint();
  let c0 = process.cpuUsage();
  const first = await agent.ctx.inventory.fresh();
  const firstScanMs = ms(t0);
  const firstScanCpuMs = cpuMs(c0);

  // Nothing here changes a file; a pool's free space moves with other writers on the file system.
  const refresh: number[] = [];
  const refreshCpu: number[] = [];
  const generations = new Set([first.generation]);
  const reread = agent.ctx.inventory.files.reads;
  for (let i = 0; i < 15; i++) {
    t0 = process.hrtime.bigint();
    c0 = process.cpuUsage();
    const again = await agent.ctx.inventory.fresh();
    refresh.push(ms(t0));
    refreshCpu.push(cpuMs(c0));
    generations.add(again.generation);
  }
  const filesReread = agent.ctx.inventory.files.reads - reread;

  const previews: number[] = [];
  const previewsCpu: number[] = [];
  const refusedCodes: Record<string, number> = {};
  const ids = pool.volumeIds;
  for (let i = 0; i < 1000; i++) {
    const volume = ids[(i * 7919) % ids.length]!; // a different volume each time, spread over the pool
    const toPool = volume.startsWith('p1:') ? 'p2' : 'p1';
    const request =
      i % 2 ? { kind: 'clone', volume, toPool, name: `clone-${i}.qcow2` } : { kind: 'move', volume, toPool };
    const { inventory } = await agent.ctx.inventory.get();
    t0 = process.hrtime.bigint();
    c0 = process.cpuUsage();
    try {
      planRequest(request, inventory, counterIds(`b${i}`));
    } catch (e) {
      const code = (e as { code?: string }).code ?? 'other';
      refusedCodes[code] = (refusedCodes[code] ?? 0) + 1;
    }
    previews.push(ms(t0));
    previewsCpu.push(cpuMs(c0));
  }

  (globalThis as { gc?: () => void }).gc?.();
  const mem = process.memoryUsage();
  await agent.close();
  return {
    volumes: first.inventory.volumes.length,
    vms: first.inventory.vms.length,
    snapshots: first.inventory.snapshots.length,
    refused: first.refused.length,
    firstScanMs,
    firstScanCpuMs,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    refreshMs: {
      p50: pct(refresh, 0.5),
      p99: pct(refresh, 0.99),
      max: Math.max(...refresh),
      cpuP50: pct(refreshCpu, 0.5),
    },
    filesReread,
    generations: generations.size,
    previewMs: {
      p50: pct(previews, 0.5),
      p99: pct(previews, 0.99),
      cpuP99: pct(previewsCpu, 0.99),
      count: previews.length,
      refusedCodes,
    },
    rssMiB: mem.rss / 2 ** 20,
    heapMiB: mem.heapUsed / 2 ** 20,
    externalMiB: mem.external / 2 ** 20,
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [mode, dir, images, vms] = process.argv.slice(2);
  const run =
    mode === 'generate'
      ? Promise.resolve().then(() => generateScalePool(dir!, Number(images), Number(vms)))
      : runInventoryScale(dir!);
  run.then(
    (r) => console.log(JSON.stringify(r)),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
