// Issue 14 items 3, 4 and 5: the gateway at scale on loopback — previews through one Node gateway in
// front of two real agents holding 500 qcow2 images each; Node and workerd side by side — fan-out to
// 50 fake agents (one hung, then all answering), previews at an open-loop 2000/s (latency from each
// request's scheduled time), 500 event streams held (RSS), job submissions with Idempotency-Key.
// VDISK_BENCH_GATEWAY_SECONDS (default 10) sets each phase's length. The driver is
// test/gateway/load/scale-load.ts, bundled here for Node; it shares the cores with what it measures.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const ms = (n) => `${n.toFixed(1)} ms`;

export default async function (ctx) {
  const root = new URL('../../', import.meta.url).pathname;
  // Beside node_modules, so the packages it leaves external (esbuild, hono, workerd's launcher) resolve.
  const outfile = join(root, 'node_modules', '.vdisk-bench', `gateway-scale-${process.pid}.mjs`);
  await build({
    entryPoints: [join(root, 'test/gateway/load/scale-load.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
    packages: 'external',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const L = await import(pathToFileURL(outfile).href);
  rmSync(outfile, { force: true }); // loaded: the shared node_modules keeps nothing of this run
  const seconds = Number(process.env.VDISK_BENCH_GATEWAY_SECONDS ?? 10);
  const c = { cli: ctx.cli, tmp: ctx.tmp, seconds };
  const only = (process.env.VDISK_BENCH_GATEWAY_ONLY ?? 'real,fanout,open,sse,jobs').split(',');

  if (only.includes('real')) {
    const r = await L.realAgentPreviews(c);
    ctx.row('gateway: 2 real agents × 500 qcow2 — previews', {
      vdiskMs: r.p99,
      note: `32 clients, a different random volume each time: ${r.rps.toFixed(0)}/s, p50 ${ms(r.p50)}, p99 ${ms(r.p99)}, ${r.errors} errors (${JSON.stringify(r.statuses)}); ${r.distinctBodies}/${r.sent} request bodies distinct, ${r.uniquePlanIds}/${r.answered} plan ids unique; gateway CPU ${r.gatewayCpuMsPerPreview.toFixed(2)} ms/preview, agents' CPU ${r.agentCpuMs} ms in all, gateway RSS ${r.gatewayRssMiB.toFixed(0)} MiB; seed ${r.seed}; load ${load()}`,
      goal: {
        text: '≥ 1000/s, p99 ≤ 100 ms, no errors, every plan id unique',
        test: () =>
          r.rps >= 1000 &&
          r.p99 <= 100 &&
          r.errors === 0 &&
          r.count > 0 &&
          r.uniquePlanIds === r.count &&
          r.distinctBodies === r.sent,
      },
    });
  }
  if (only.includes('fanout')) {
    const f = await L.fanOut(c);
    ctx.row('gateway: 50 agents, one hung — first GET /v1/inventory', {
      vdiskMs: f.hungFirstMs,
      note: `${ms(f.hungFirstMs)} (down: ${f.hungMarked.join(', ')}); then 32 clients previewing: p99 ${ms(f.hungPreviews.p99)}, ${f.hungPreviews.rps.toFixed(0)}/s, ${f.hungPreviews.errors} errors; load ${load()}`,
      goal: {
        text: '≤ 1500 ms, the hung agent marked down',
        test: () => f.hungFirstMs <= 1500 && f.hungMarked.length === 1,
      },
    });
    ctx.row('gateway: 50 agents all answering — previews', {
      vdiskMs: f.allPreviews.p99,
      note: `32 clients, varied volumes: p50 ${ms(f.allPreviews.p50)}, p99 ${ms(f.allPreviews.p99)}, ${f.allPreviews.rps.toFixed(0)}/s, ${f.allPreviews.errors} errors; inventory (8 clients) p99 ${ms(f.allInventory.p99)}; load ${load()}`,
      goal: {
        text: 'p99 ≤ 50 ms, no errors',
        test: () => f.allPreviews.p99 <= 50 && f.allInventory.p99 <= 50 && f.allPreviews.errors === 0,
      },
    });
  }
  for (const runtime of ['node', 'workerd']) {
    if (only.includes('open')) {
      const r = await L.openLoopPreviews(c, runtime);
      ctx.row(`gateway (${runtime}): previews open loop 2000/s`, {
        vdiskMs: r.p99,
        note: `${r.count}/${r.offered} answered, ${r.errors} errors, p50 ${ms(r.p50)}, p99 ${ms(r.p99)} from schedule, max ${ms(r.max)} (${JSON.stringify(r.statuses)}); seed ${L.SEED}; load ${load()}`,
        goal: { text: 'all served, p99 ≤ 50 ms', test: () => r.errors === 0 && r.count === r.offered && r.p99 <= 50 },
      });
    }
    if (only.includes('sse')) {
      const s = await L.sseHold(c, runtime);
      ctx.row(`gateway (${runtime}): 500 SSE streams held`, {
        vdiskRssMiB: s.rss.max,
        note: `${s.ended}/${s.streams} ended cleanly, ${s.events} events, ${s.errors} errors; RSS idle ${s.rss.first.toFixed(0)}, after a third ${s.rss.warm.toFixed(0)}, end ${s.rss.last.toFixed(0)} MiB; load ${load()}`,
        goal: {
          text: 'every stream to its end, RSS end ≤ 1.3 × after a third',
          test: () => s.errors === 0 && s.ended === s.streams && s.rss.last <= 1.3 * s.rss.warm,
        },
      });
    }
    if (only.includes('jobs')) {
      const j = await L.submissions(c, runtime);
      ctx.row(`gateway (${runtime}): job submissions with Idempotency-Key`, {
        vdiskMs: j.p99,
        note: `32 clients: ${j.rps.toFixed(0)}/s, p50 ${ms(j.p50)}, p99 ${ms(j.p99)}, ${j.errors} errors; ${j.replays} retried keys, ${j.mismatched} answered another job; load ${load()}`,
        goal: {
          text: 'no errors, every retried key → its first job',
          test: () => j.errors === 0 && j.mismatched === 0 && j.count > 0,
        },
      });
    }
  }
}
