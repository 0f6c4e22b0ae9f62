// Issue 14: the chaos suite at full size — 2 gateways (Node, workerd) × 3 real agents (own pools and
// QEMU VM each) × 200 jobs, a gateway of each kind and every agent killed at seeded kill points.
// Prints the seed (VDISK_CHAOS_SEED replays it), jobs/s, outcomes, kill points, duration, and one row
// per invariant. VDISK_BENCH_SCALE_AGENTS / _JOBS / _CLIENTS change the size.
// The driver is test/scale/run.ts, bundled into dist/ (its packages resolve from node_modules).
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export default async function (ctx) {
  const root = new URL('../../', import.meta.url).pathname;
  const outfile = join(root, 'dist', `.bench-scale-${process.pid}.mjs`);
  await build({
    entryPoints: [join(root, 'test/scale/run.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  try {
    const { runChaos, report } = await import(pathToFileURL(outfile).href);
    const env = (k, d) => Number(process.env[`VDISK_BENCH_SCALE_${k}`] ?? d);
    const seed = process.env.VDISK_CHAOS_SEED ? Number(process.env.VDISK_CHAOS_SEED) : Date.now() % 2_147_483_647;
    const agents = env('AGENTS', 3);
    const jobs = env('JOBS', 200);
    const before = loadavg()[0].toFixed(2);
    const r = await runChaos({
      root,
      seed,
      agents,
      jobs,
      clients: env('CLIENTS', 6),
      imagesPerAgent: 30,
      deadlineMs: 1_800_000,
    });
    for (const line of report(r)) console.log(`  ${line}`);
    const load = `load ${before} → ${loadavg()[0].toFixed(2)}`;
    ctx.row(`scale: 2 gateways × ${agents} agents × ${jobs} jobs`, {
      vdiskMs: r.durationMs,
      note: `seed ${r.seed}, ${r.jobsPerSecond.toFixed(2)} jobs/s, ${Object.entries(r.outcomes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; ${load}`,
      goal: { text: 'every invariant holds', test: () => r.ok },
    });
    for (const v of r.verdicts)
      ctx.row(`scale: ${v.name}`, {
        note: v.ok ? '' : v.detail.slice(0, 3).join(' | '),
        goal: { text: 'holds', test: () => v.ok },
      });
  } finally {
    rmSync(outfile, { force: true });
  }
}
