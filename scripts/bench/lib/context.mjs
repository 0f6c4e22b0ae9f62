// What every bench case gets: a scratch dir, the built CLI, qemu-img, measurement helpers and a
// row printer that keeps goals next to the figures (a missed goal is printed, never hidden).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measure, requireCommand, timeInProcess } from './measure.mjs';

const CLI = fileURLToPath(new URL('../../../dist/cli.mjs', import.meta.url));
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const fmt = (n, d = 1) => (n === undefined ? '—' : n.toFixed(d));

export function makeContext(tmp) {
  requireCommand('qemu-img', 'apt-get install -y --no-install-recommends qemu-utils');
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
  const rows = [];
  const ctx = {
    /** The case module running now (its file name without .mjs): tags its rows in docs/bench-rows.json. */
    bench: '',
    tmp,
    cli: CLI,
    qemuVersion: execFileSync('qemu-img', ['--version'], { encoding: 'utf8' }).split('\n')[0],
    qemuImg: (...args) => execFileSync('qemu-img', args, { encoding: 'utf8', maxBuffer: 1 << 30 }),
    measure,
    timeInProcess,
    /** The built CLI module, for in-process runs: `run(argv, io)`. */
    loadCli: () => import(pathToFileURL(CLI).href),
    measureVdisk: (args, o) => measure(process.execPath, [CLI, ...args], o),
    header: () =>
      `${'case'.padEnd(52)} ${'vdisk ms'.padStart(9)} ${'qemu ms'.padStart(9)} ${'ratio'.padStart(6)} ${'vdisk MiB'.padStart(9)} ${'qemu MiB'.padStart(9)}  note`,
    /** One line: vdisk against qemu-img; `goal` is a predicate over the row plus its wording. */
    row(name, r) {
      const ratio = r.vdiskMs !== undefined && r.qemuMs ? r.vdiskMs / r.qemuMs : undefined;
      const met = r.goal ? r.goal.test({ ...r, ratio }) : undefined;
      rows.push({
        bench: ctx.bench,
        name,
        met,
        goal: r.goal?.text,
        ratio,
        date: new Date().toISOString(),
        load: loadavg(),
      });
      const goal = r.goal ? ` [goal ${r.goal.text}: ${met ? 'met' : 'MISSED'}]` : '';
      console.log(
        `${name.padEnd(52)} ${fmt(r.vdiskMs).padStart(9)} ${fmt(r.qemuMs).padStart(9)} ${fmt(ratio, 2).padStart(6)} ${fmt(r.vdiskRssMiB).padStart(9)} ${fmt(r.qemuRssMiB).padStart(9)}  ${r.note ?? ''}${goal}`,
      );
    },
    rows,
    summary() {
      const missed = rows.filter((r) => r.met === false);
      return missed.length === 0
        ? `all ${rows.filter((r) => r.met).length} goals met`
        : `goals missed: ${missed.map((r) => `${r.name} (${r.goal})`).join('; ')}`;
    },
  };
  return ctx;
}
