// Issue 7: the gateway on loopback — 200 concurrent plan previews and 50 concurrent SSE streams for
// 30 s (VDISK_BENCH_GATEWAY_SECONDS to change): requests per second, p50/p99, errors, gateway RSS.
// The load driver is test/gateway/load/run-load.ts, bundled here for Node.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export default async function (ctx) {
  const root = new URL('../../', import.meta.url).pathname;
  const outfile = join(ctx.tmp, 'gateway-load.mjs');
  await build({
    entryPoints: [join(root, 'test/gateway/load/run-load.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const { runLoad } = await import(pathToFileURL(outfile).href);
  const seconds = Number(process.env.VDISK_BENCH_GATEWAY_SECONDS ?? 30);
  const r = await runLoad({ cli: ctx.cli, tmp: ctx.tmp, seconds, previews: 200, streams: 50 });
  ctx.row('gateway: 200 concurrent plan previews', {
    vdiskMs: r.previews.p50,
    note: `p50 ${r.previews.p50.toFixed(1)} ms, p99 ${r.previews.p99.toFixed(1)} ms, ${r.previews.rps.toFixed(0)} req/s, ${r.previews.count} requests, ${r.previews.errors} errors`,
    goal: { text: 'no errors', test: () => r.previews.errors === 0 && r.previews.count > 0 },
  });
  ctx.row('gateway: 50 concurrent SSE streams', {
    note: `${r.streams.events} events relayed, ${r.streams.ended}/${r.streams.count} ended cleanly, ${r.streams.errors} errors`,
    goal: {
      text: 'every stream to its end',
      test: () => r.streams.errors === 0 && r.streams.ended === r.streams.count,
    },
  });
  ctx.row('gateway: resident memory under load', {
    vdiskRssMiB: r.rssMiB.max,
    note: `RSS idle ${r.rssMiB.first.toFixed(0)}, after a third ${r.rssMiB.warm.toFixed(0)}, at the end ${r.rssMiB.last.toFixed(0)} MiB (max ${r.rssMiB.max.toFixed(0)})`,
    goal: {
      text: 'max < 400 MiB, end ≤ 1.3 × after a third',
      test: () => r.rssMiB.max < 400 && r.rssMiB.last <= 1.3 * r.rssMiB.warm,
    },
  });
}
