// Issue 14 item 2: the agent's inventory at scale — 10,000 images (chains, standalone qcow2, raw) and
// 100 VMs known from the agent's store (VMS_OFF: no QEMU behind their sockets), generated for the run
// (VDISK_BENCH_INVENTORY_IMAGES / _VMS to change). The generator runs in one process, the agent in
// another (test/helpers/inventory-scale-run.ts), so the memory row is the agent's alone. No peer
// tool does this: rows print the figure against its goal (wall time), with the CPU time the step took
// beside it (what it costs whatever else the machine runs) and the machine's load.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

export default async function (ctx) {
  const root = new URL('../../', import.meta.url).pathname;
  // Next to the CLI in dist/: the engine's .wasm files and node_modules (koffi) resolve from there.
  const bundle = join(root, 'dist', 'bench-inventory-scale.mjs');
  await build({
    entryPoints: [join(root, 'test/helpers/inventory-scale-run.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
    external: ['koffi'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const images = Number(process.env.VDISK_BENCH_INVENTORY_IMAGES ?? 10_000);
  const vms = Number(process.env.VDISK_BENCH_INVENTORY_VMS ?? 100);
  const dir = join(ctx.tmp, 'inventory-scale');
  const run = (...args) =>
    JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', bundle, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 })
        .trim()
        .split('\n')
        .pop(),
    );
  try {
    const loadBefore = load();
    const gen = run('generate', dir, String(images), String(vms));
    const r = run('measure', dir);
    const loadNote = `load ${loadBefore} → ${load()}`;
    const what = `${gen.images} images (${gen.qcow2} qcow2, ${gen.raw} raw), ${gen.vms} VMs, ${gen.snapshots} snapshots`;
    ctx.row(`inventory: first scan, ${gen.images} images`, {
      vdiskMs: r.firstScanMs,
      note: `${what}; CPU ${r.firstScanCpuMs.toFixed(0)} ms; ${r.volumes} volumes listed, ${r.refused} refused; generated in ${gen.generateMs.toFixed(0)} ms; ${loadNote}`,
      goal: { text: '≤ 5000 ms', test: () => r.firstScanMs <= 5000 && r.volumes === gen.images },
    });
    ctx.row('inventory: refresh of the unchanged pool (median of 15)', {
      vdiskMs: r.refreshMs.p50,
      note: `CPU median ${r.refreshMs.cpuP50.toFixed(1)} ms; p99 ${r.refreshMs.p99.toFixed(1)} ms, max ${r.refreshMs.max.toFixed(1)} ms; files re-read ${r.filesReread}; generations ${r.generations}; ${loadNote}`,
      goal: { text: '≤ 200 ms, no file re-read', test: () => r.refreshMs.p50 <= 200 && r.filesReread === 0 },
    });
    ctx.row('inventory: agent memory after scan and previews', {
      vdiskRssMiB: r.rssMiB,
      note: `RSS ${r.rssMiB.toFixed(0)} MiB (peak ${r.peakRssMiB.toFixed(0)}), heap ${r.heapMiB.toFixed(0)} MiB, external ${r.externalMiB.toFixed(0)} MiB; ${loadNote}`,
      goal: { text: 'peak RSS ≤ 200 MiB', test: () => r.peakRssMiB <= 200 },
    });
    const refusals =
      Object.entries(r.previewMs.refusedCodes)
        .map(([c, n]) => `${n} ${c}`)
        .join(', ') || 'none';
    ctx.row('inventory: plan preview in-process, p99', {
      vdiskMs: r.previewMs.p99,
      note: `${r.previewMs.count} previews (move/clone, each another volume), p50 ${r.previewMs.p50.toFixed(2)} ms, CPU p99 ${r.previewMs.cpuP99.toFixed(2)} ms; refused: ${refusals}; ${loadNote}`,
      goal: { text: 'p99 ≤ 20 ms', test: () => r.previewMs.p99 <= 20 },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
