// Issue 17: flatten in the browser at Node's speed. Headless Chromium against a real `vdisk start`:
// a 2 GiB qcow2 holding 1 GiB of data flattened from a picked File, from OPFS and over HTTP ranges
// (the gateway's volume relay), to raw and to qcow2 in OPFS, each against the same flatten in Node
// in-process (durable, as the OPFS target flushes before its rename), rounds alternating between the
// two. The tab's memory (CDP: the page's JS heap; the worker's Wasm memory and JS heap) is sampled
// during every run, and the 16 GiB image with the same data shows it does not follow the image size.
// The loopback fetch bandwidth of the same relay is measured in the same run (the HTTP goal).
import { copyFileSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dataImage } from './lib/bench-images.mjs';
import { startVdisk } from './lib/start-system.mjs';
import { WEB } from './lib/console-site.mjs';
import { openTab, flattenInTab, fetchBandwidth } from './lib/tab.mjs';

const MiB = 1 << 20;
const ROUNDS = Number(process.env.VDISK_BENCH_REPEAT ?? 3);
// VDISK_BENCH_BROWSER=file,opfs,url,raw,qcow2,memory: only those sources, formats and rows.
const ONLY = process.env.VDISK_BENCH_BROWSER?.split(',');
const want = (...keys) => !ONLY || keys.every((k) => ONLY.includes(k));
// VDISK_BENCH_FILE_READS=byob,stream,sync,slices: the ways of reading a picked File to compare
// (worker/blob-read.ts), in the same rounds; default: the console's own (byob).
const FILE_READS = process.env.VDISK_BENCH_FILE_READS?.split(',') ?? ['byob'];
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const spread = (xs) => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;

async function nodeFlatten(ctx, src, fmt) {
  const { run } = await ctx.loadCli();
  const out = join(ctx.tmp, `node-out.${fmt}`);
  const sink = { stdout: () => {}, stderr: (t) => process.stderr.write(t) };
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  if ((await run(['convert', '--force', '-O', fmt, src, out], sink)) !== 0)
    throw new Error(`in-process convert of ${src} failed`);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  rmSync(out, { force: true });
  return { ms, cpuMs: (c.user + c.system) / 1000 };
}

/**
 * One row per variant of the tab's flatten (`variants`: [label, ref]), each against the same Node
 * flatten, all run in the same rounds, the order turned round every other round. `fetchRef`: also
 * time a plain fetch of the file's bytes from the page in each round (HTTP rows).
 */
async function flattenRows(ctx, tab, variants, src, fmt, goal, fetchRef) {
  const runs = variants.map(() => ({ ms: [], mem: [], stats: '' }));
  const nodeMs = [];
  const fetchMs = [];
  let nodeCpu = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const steps = variants.map(([, ref], v) => async () => {
      const r = await flattenInTab(tab, ref, fmt);
      runs[v].ms.push(r.ms);
      runs[v].mem.push(r.mem);
      runs[v].stats = r.stats;
    });
    steps.push(async () => {
      const r = await nodeFlatten(ctx, src, fmt);
      nodeMs.push(r.ms);
      nodeCpu = r.cpuMs;
    });
    if (fetchRef)
      steps.push(async () => {
        fetchMs.push((await fetchBandwidth(tab, fetchRef.url, fetchRef.headers, fetchRef.bytes)).ms);
      });
    for (const f of i % 2 ? steps.reverse() : steps) await f();
  }
  return variants.map(([label], v) => {
    const { ms, mem, stats } = runs[v];
    const peak = mem.reduce((a, m) => ({ wasm: Math.max(a.wasm, m.wasm), heap: Math.max(a.heap, m.heap) }), {
      wasm: 0,
      heap: 0,
    });
    ctx.row(`browser flatten ${label} → ${fmt} in OPFS`, {
      vdiskMs: med(ms),
      qemuMs: med(nodeMs),
      note:
        `qemu column: the same flatten in Node in-process (durable); spread Chromium ${spread(ms)} / Node ${spread(nodeMs)} ms; ` +
        `tab memory peak: Wasm ${(peak.wasm / MiB).toFixed(0)} MiB, JS heap (page + worker) ${(peak.heap / MiB).toFixed(0)} MiB; ${stats}; Node CPU ${Math.round(nodeCpu)} ms; load ${load()}`,
      goal,
    });
    return { ms: med(ms), peak, fetchMs: fetchMs.length ? med(fetchMs) : undefined };
  });
}

export default async function (ctx) {
  if (!existsSync(join(WEB, 'console.js'))) throw new Error('dist/web is missing: run npm run build');
  const src = dataImage(join(ctx.tmp, 'fl-2g.qcow2'), 2);
  const sys = await startVdisk(ctx.cli, join(ctx.tmp, 'start'));
  const tab = await openTab(sys.url);
  try {
    copyFileSync(src, join(sys.pool, 'fl-2g.qcow2'));
    await tab.pick(src);
    const ratio = { text: '≤ 1.3× Node', test: (r) => r.ratio <= 1.3 };
    const url = await sys.volumeUrl('fl-2g.qcow2');
    const fileMiB = statSync(src).size / MiB; // what a flatten reads: the file's bytes
    if (want('opfs')) await tab.importOpfs('bench/fl-2g.qcow2');
    const label = '2 GiB qcow2 (1 GiB data)';
    for (const fmt of ['raw', 'qcow2']) {
      if (want('file', fmt)) {
        // The File read the console uses (byob) alone, or with the others it was chosen among.
        const variants = FILE_READS.map((read) => [`${label} from File (${read})`, { kind: 'file', read }]);
        await flattenRows(ctx, tab, variants, src, fmt, ratio);
      }
      if (want('opfs', fmt))
        await flattenRows(
          ctx,
          tab,
          [[`${label} from OPFS`, { kind: 'opfs', path: 'bench/fl-2g.qcow2' }]],
          src,
          fmt,
          ratio,
        );
      if (!want('url', fmt)) continue;
      // The bandwidth the flatten is judged against is measured in the same rounds: the file's bytes
      // fetched from the page through the same relay, 8 MiB ranges, 8 in flight.
      const bytes = statSync(src).size;
      const [h] = await flattenRows(
        ctx,
        tab,
        [[`${label} over HTTP`, { kind: 'url', url, headers: sys.headers }]],
        src,
        fmt,
        undefined,
        { url, headers: sys.headers, bytes },
      );
      const mibps = fileMiB / (h.ms / 1000);
      const bw = fileMiB / (h.fetchMs / 1000);
      ctx.row(`  HTTP → ${fmt}: share of loopback fetch bandwidth`, {
        vdiskMs: h.ms,
        qemuMs: h.fetchMs,
        note: `qemu column: fetching the file's bytes through the same relay in the same rounds; ${mibps.toFixed(0)} of ${bw.toFixed(0)} MiB/s (${((100 * mibps) / bw).toFixed(0)} %); load ${load()}`,
        goal: { text: '≥ 80 %', test: () => mibps >= 0.8 * bw },
      });
    }
    await tab.removeOpfs('bench/');
    if (!want('memory')) return;
    // Memory does not follow the image size: the same data in a 16 GiB image.
    const big = dataImage(join(ctx.tmp, 'fl-16g.qcow2'), 16);
    const m2 = await flattenInTab(tab, { kind: 'file' }, 'raw');
    await tab.pick(big);
    const m16 = await flattenInTab(tab, { kind: 'file' }, 'raw');
    ctx.row('browser flatten 16 GiB vs 2 GiB (same data): tab memory', {
      note: `Wasm ${(m16.mem.wasm / MiB).toFixed(0)} vs ${(m2.mem.wasm / MiB).toFixed(0)} MiB, JS heap peak ${(m16.mem.heap / MiB).toFixed(0)} vs ${(m2.mem.heap / MiB).toFixed(0)} MiB; load ${load()}`,
      goal: {
        text: 'Wasm equal, JS heap within 16 MiB',
        test: () => m16.mem.wasm === m2.mem.wasm && m16.mem.heap <= m2.mem.heap + 16 * MiB,
      },
    });
  } finally {
    await tab.close();
    await sys.stop();
  }
}
