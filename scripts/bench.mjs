#!/usr/bin/env node
// `npm run bench`: every case module in scripts/bench/ measured side by side with qemu-img in one run.
// Each module default-exports `async (ctx) => {}` and reports with ctx.row(). Speed is measured here,
// never in tests. Pass case-module names to run only those: `npm run bench -- map convert`.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeContext } from './bench/lib/context.mjs';
import { benchSvg } from './bench/lib/svg.mjs';
import { mergeRows, readRows, writeRows } from './bench/lib/bench-rows.mjs';

const dir = fileURLToPath(new URL('./bench/', import.meta.url));
const only = process.argv.slice(2);
const modules = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs'))
  .sort()
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.mjs$/, '')));

const tmp = mkdtempSync(join(process.env.VDISK_BENCH_DIR ?? tmpdir(), 'vdisk-bench-'));
const ctx = makeContext(tmp);
console.log(`vdisk bench — ${new Date().toISOString()} — node ${process.version}, ${ctx.qemuVersion}`);
console.log(ctx.header());
let failed = 0;
const completed = [];
try {
  for (const f of modules) {
    const mod = await import(pathToFileURL(join(dir, f)).href);
    ctx.bench = f.replace(/\.mjs$/, '');
    try {
      await mod.default(ctx);
      completed.push(ctx.bench);
    } catch (e) {
      failed++;
      console.log(`${f}: FAILED — ${e?.stack ?? e}`);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
console.log(ctx.summary());
// The picture (README shows it above the table): this run's rows replace those of the benches that
// ran, the other benches' last rows are kept (docs/bench-rows.json), and all are drawn.
const rowsFile = fileURLToPath(new URL('../docs/bench-rows.json', import.meta.url));
const all = writeRows(rowsFile, mergeRows(readRows(rowsFile), ctx.rows, completed));
const svg = fileURLToPath(new URL('../docs/bench.svg', import.meta.url));
writeFileSync(svg, benchSvg(all, { qemu: ctx.qemuVersion }));
console.log(`wrote ${svg} (${all.length} rows, ${ctx.rows.length} from this run)`);
process.exitCode = failed ? 1 : 0;
