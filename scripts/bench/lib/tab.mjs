// The console in headless Chromium for the flatten bench: a persistent profile (OPFS on disk, as a
// person's), the console's engine bridge driven from the page, and the tab's memory read over CDP
// while a flatten runs: the page's JS heap, the worker's JS heap (the worker's own CDP session,
// reached through Target auto-attach) and the worker's Wasm memory (from its stats).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumCpu, cpuDelta } from './proc-cpu.mjs';

const FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function openTab(url) {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'vdisk-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: FLAGS,
    headless: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  const workers = [];
  const replies = new Map();
  let nextId = 1;
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker') workers.push(e.sessionId);
  });
  cdp.on('Target.detachedFromTarget', (e) => {
    const i = workers.indexOf(e.sessionId);
    if (i >= 0) workers.splice(i, 1);
  });
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    replies.get(m.id)?.(m);
    replies.delete(m.id);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  await cdp.send('Performance.enable');
  const inWorker = (sessionId, method) =>
    new Promise((ok) => {
      const id = nextId++;
      replies.set(id, ok);
      cdp
        .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) })
        .catch(() => ok({}));
    });
  await page.goto(`${url}#images`);
  await page.waitForSelector('body[data-ready="true"]');
  return {
    page,
    cpu: () => chromiumCpu(profile),
    /** JS heap in use, page and workers together (bytes). */
    async heap() {
      const m = (await cdp.send('Performance.getMetrics')).metrics.find((x) => x.name === 'JSHeapUsedSize')?.value ?? 0;
      const w = await Promise.all(workers.map((s) => inWorker(s, 'Runtime.getHeapUsage')));
      return m + w.reduce((a, r) => a + (r.result?.usedSize ?? 0), 0);
    },
    async pick(path) {
      await page.setInputFiles('#file-input', [path]);
      await page.waitForSelector('#map-canvas[data-drawn-ms]', { timeout: 300_000 });
    },
    importOpfs: (path) =>
      page.evaluate(
        (p) => window.vdiskConsole.bridge.importFile(document.getElementById('file-input').files[0], p),
        path,
      ),
    removeOpfs: (prefix) =>
      page.evaluate(async (pre) => {
        const bridge = window.vdiskConsole.bridge;
        for (const e of await bridge.listOpfs()) if (e.path.startsWith(pre)) await bridge.removeOpfs(e.path);
      }, prefix),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** One flatten into OPFS (removed after), its ms, the peak memory sampled every 50 ms and the worker's counters. */
export async function flattenInTab(tab, ref, fmt) {
  let peakHeap = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peakHeap = Math.max(peakHeap, await tab.heap());
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const cpu0 = tab.cpu();
  const r = await tab.page.evaluate(
    async ({ ref, fmt }) => {
      const bridge = window.vdiskConsole.bridge;
      const files = [...document.getElementById('file-input').files];
      const real =
        ref.kind === 'file' ? { kind: 'blob', files, names: files.map((f) => f.name), top: 0, read: ref.read } : ref;
      const h = await bridge.open(real);
      const before = await bridge.stats();
      const t0 = performance.now();
      await bridge.convert(h, { kind: 'opfs', path: `bench-out/flat.${fmt}` }, { targetFormat: fmt });
      const ms = performance.now() - t0;
      const after = await bridge.stats();
      await bridge.close(h);
      await bridge.removeOpfs(`bench-out/flat.${fmt}`);
      return { ms, before, after };
    },
    { ref, fmt },
  );
  const cpu = cpuDelta(cpu0, tab.cpu());
  sampling = false;
  await sampler;
  peakHeap = Math.max(peakHeap, await tab.heap());
  return {
    ms: r.ms,
    mem: { wasm: r.after.wasmBytes ?? 0, heap: peakHeap },
    stats: `${breakdown(r.before, r.after)}; CPU ${cpu.map(([k, v]) => `${k} ${v} ms`).join(', ')}`,
  };
}

/** Where the worker's time went in one flatten, from the difference of its counters. */
function breakdown(a, b) {
  const d = (k, f) => (b[k]?.[f] ?? 0) - (a[k]?.[f] ?? 0);
  const parts = [
    `Blob ${d('blob', 'reads')} reads ${(d('blob', 'readBytes') / 2 ** 20).toFixed(0)} MiB ${d('blob', 'readMs').toFixed(0)} ms`,
    `OPFS read ${(d('opfs', 'readBytes') / 2 ** 20).toFixed(0)} MiB ${d('opfs', 'readMs').toFixed(0)} ms, write ${(d('opfs', 'writeBytes') / 2 ** 20).toFixed(0)} MiB ${d('opfs', 'writeMs').toFixed(0)} ms, truncate ${d('opfs', 'truncateMs').toFixed(0)} ms, flush ${d('opfs', 'flushMs').toFixed(0)} ms`,
    `HTTP ${d('http', 'requests')} requests`,
  ];
  return parts.join(', ');
}

/** Fetch bandwidth of the relay from the page: `total` bytes in 8 MiB ranges, 8 in flight. */
export async function fetchBandwidth(tab, url, headers, total) {
  return tab.page.evaluate(
    async ({ url, headers, total }) => {
      const span = 8 << 20;
      let next = 0;
      const t0 = performance.now();
      const one = async () => {
        while (next < total) {
          const at = next;
          next += span;
          const res = await fetch(url, { headers: { ...headers, range: `bytes=${at}-${at + span - 1}` } });
          await res.arrayBuffer();
        }
      };
      await Promise.all(Array.from({ length: 8 }, one));
      const ms = performance.now() - t0;
      return { ms, mibps: total / 2 ** 20 / (ms / 1000) };
    },
    { url, headers, total },
  );
}
