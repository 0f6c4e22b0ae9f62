// Issue 15 item 7: the map picture's L2 scan moved from TypeScript (worker/l2-runs.ts until
// 9f21667, kept below verbatim as the peer) into the engine (assembly/qcow2/l2-scan.ts, SIMD). Both
// scan every L2 table of the console bench's 4 TiB qcow2 with 2000 scattered writes (the tables read
// into memory first, as the planned walk holds them), in alternating rounds; the engine's side
// includes copying each table into Wasm memory and reading the runs back. Medians and spread.
import { closeSync, openSync, readSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const MiB = 1 << 20,
  TiB = 1024 * 1024 * MiB;
const ROUNDS = 9;

/** worker/l2-runs.ts as it was (the TypeScript walk this replaces). */
function l2RunsTs(table, entryBytes, entries) {
  const n = Math.min(entries, Math.floor(table.length / entryBytes));
  const words =
    table.byteOffset % 4 === 0
      ? new Int32Array(table.buffer, table.byteOffset, (n * entryBytes) >> 2)
      : new Int32Array(table.slice(0, n * entryBytes).buffer);
  const step = entryBytes >> 2;
  const out = [];
  let start = 0;
  let used = false;
  const blockWords = 8 * step;
  for (let j = 0, w = 0; j < n; j++, w += step) {
    if (!used && j > 0 && (j & 7) === 0 && j + 8 <= n) {
      let any = 0;
      for (let k = 0; k < blockWords; k++) any |= words[w + k];
      if (any === 0) {
        j += 7;
        w += blockWords - step;
        continue;
      }
    }
    let bits = words[w] | words[w + 1];
    if (step === 4) bits |= words[w + 2] | words[w + 3];
    const u = bits !== 0;
    if (j === 0) used = u;
    else if (u !== used) {
      out.push([start, j - start, used]);
      start = j;
      used = u;
    }
  }
  if (n > 0) out.push([start, n - start, used]);
  return out;
}

/** The L2 tables the L1 table names, read whole. */
function tables(file) {
  const fd = openSync(file, 'r');
  try {
    const h = Buffer.alloc(48);
    readSync(fd, h, 0, 48, 0);
    const cluster = 2 ** h.readUInt32BE(20);
    const l1 = Buffer.alloc(h.readUInt32BE(36) * 8);
    readSync(fd, l1, 0, l1.length, Number(h.readBigUInt64BE(40)));
    const out = [];
    for (let i = 0; i < l1.length; i += 8) {
      const off = Number(l1.readBigUInt64BE(i) & 0x00fffffffffffe00n);
      if (off === 0) continue;
      const t = new Uint8Array(cluster);
      readSync(fd, t, 0, cluster, off);
      out.push(t);
    }
    return { cluster, tables: out };
  } finally {
    closeSync(fd);
  }
}

export default async function (ctx) {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const out = join(root, 'dist', 'bench', 'l2scan-bench.mjs');
  await build({
    stdin: {
      contents:
        "export { createNodeEngine } from './src/host/node-engine.ts'; export { L2Scanner } from './src/engine/read/l2-runs.ts';",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: out,
    logLevel: 'error',
  });
  const { createNodeEngine, L2Scanner } = await import(pathToFileURL(out).href);
  const file = join(ctx.tmp, 'l2scan-4t.qcow2');
  ctx.qemuImg('create', '-q', '-f', 'qcow2', file, String(4 * TiB));
  let x = 7;
  const cmds = [];
  for (let i = 0; i < 2000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const off = Math.floor((x / 2 ** 32) * ((4 * TiB) / MiB - 1)) * MiB;
    cmds.push('-c', i % 5 === 0 ? `write -z ${off} 64k` : `write -P 0x5a ${off} 64k`);
  }
  execFileSync('qemu-io', ['-f', 'qcow2', ...cmds, file], { stdio: 'ignore' });
  const { cluster, tables: ts } = tables(file);
  const entries = cluster / 8;
  const engine = await createNodeEngine();
  const scanner = new L2Scanner(engine, cluster);
  const scanAll = (f) => {
    let runs = 0;
    const t0 = process.hrtime.bigint();
    for (const t of ts) runs += f(t).length;
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, runs };
  };
  const asm = (t) => scanner.runs(t, 8, entries);
  const tsScan = (t) => l2RunsTs(t, 8, entries);
  const a = scanAll(asm),
    b = scanAll(tsScan); // warm-up, and the two must agree
  if (a.runs !== b.runs) throw new Error(`the scans disagree: ${a.runs} vs ${b.runs} runs`);
  const got = { asm: [], ts: [] };
  for (let i = 0; i < ROUNDS; i++)
    for (const k of i % 2 ? ['ts', 'asm'] : ['asm', 'ts']) got[k].push(scanAll(k === 'asm' ? asm : tsScan).ms);
  const med = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
  const load = execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ');
  ctx.row('map L2 scan, 4 TiB qcow2: engine (SIMD) vs old TS', {
    vdiskMs: med(got.asm),
    qemuMs: med(got.ts),
    note: `qemu column: the TypeScript walk it replaces; ${ts.length} tables of ${cluster / 1024} KiB, ${a.runs} runs, ${engine.flavor} build; spread ${Math.min(...got.asm).toFixed(1)}–${Math.max(...got.asm).toFixed(1)} vs ${Math.min(...got.ts).toFixed(1)}–${Math.max(...got.ts).toFixed(1)} ms over ${ROUNDS} alternating rounds; load ${load}`,
    goal: { text: '≤ 1.0× the TypeScript walk', test: (r) => r.ratio <= 1 },
  });
  scanner.free();
}
