// Issue 16 item 3: `vdisk convert` of a qcow2 chain of dense random data to raw against `qemu-img
// convert` on the bench's own file system (ext4 here: no reflink, so the bytes go through user space),
// CLI end to end in both pairings — no sync (`vdisk -t unsafe` vs qemu-img's default, which never
// syncs) and durable (vdisk's default vs `qemu-img -t writeback`) — and in-process on the small chain.
// Each run is 7 alternating rounds (each side going first every other round), and the row is the
// median of 3 runs, each run's ratio printed with the load average beside it: other work on the
// machine moves single figures by several times, so one figure would say nothing.
// VDISK_BENCH_EXT4_GIB sets the big chain's size (default 8, the issue's), VDISK_BENCH_EXT4_RUNS the
// number of runs (default 3), VDISK_BENCH_EXT4_SMALL_GIB the small chain's (default 2).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomChain } from './lib/random-chain.mjs';

const GiB = 1 << 30;
const ROUNDS = 7;
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const goal = {
  text: '≤ 0.8× qemu-img, vdisk peak RSS ≤ 64 MiB',
  test: (r) => r.ratio <= 0.8 && (r.vdiskRssMiB === undefined || r.vdiskRssMiB <= 64),
};

/** `rounds` alternating pairs of (vdisk, peer); medians, the largest vdisk RSS and the load after. */
async function pairedRun(a, b, clean) {
  const got = { a: [], b: [] };
  for (let i = 0; i < ROUNDS; i++)
    for (const k of i % 2 ? ['b', 'a'] : ['a', 'b']) {
      got[k].push(await (k === 'a' ? a : b)());
      clean();
    }
  const ms = (k) => median(got[k].map((r) => r.ms));
  const all = got.a.map((r, i) => r.ms / got.b[i].ms);
  return {
    a: ms('a'),
    b: ms('b'),
    rss: Math.max(...got.a.map((r) => r.rssMiB ?? 0)),
    peerRss: Math.max(...got.b.map((r) => r.rssMiB ?? 0)),
    spread: [Math.min(...all), Math.max(...all)],
    load: load(),
  };
}

/** Runs `pairedRun` `runs` times and prints one row: medians of the runs, every run's ratio and load. */
async function row(ctx, name, runs, a, b, clean, note, rssGoal = true) {
  const rs = [];
  for (let i = 0; i < runs; i++) rs.push(await pairedRun(a, b, clean));
  const per = rs.map(
    (r) => `${(r.a / r.b).toFixed(2)} [load ${r.load}; rounds ${r.spread.map((x) => x.toFixed(2)).join('–')}]`,
  );
  ctx.row(name, {
    vdiskMs: median(rs.map((r) => r.a)),
    qemuMs: median(rs.map((r) => r.b)),
    vdiskRssMiB: rssGoal ? Math.max(...rs.map((r) => r.rss)) : undefined,
    qemuRssMiB: rssGoal ? Math.max(...rs.map((r) => r.peerRss)) : undefined,
    note: `${note}; runs: ${per.join(', ')}`,
    goal,
  });
}

export default async function (ctx) {
  const fs = execFileSync('stat', ['-f', '-c', '%T', ctx.tmp], { encoding: 'utf8' }).trim();
  const runs = Number(process.env.VDISK_BENCH_EXT4_RUNS ?? 3);
  const big = Number(process.env.VDISK_BENCH_EXT4_GIB ?? 8);
  const out = join(ctx.tmp, 'ext4-out.raw');
  const clean = () => rmSync(out, { force: true });
  const { run } = await ctx.loadCli();
  const sink = { stdout: () => {}, stderr: (t) => process.stderr.write(t) };
  for (const [gib, cli] of [
    [big, true],
    [Number(process.env.VDISK_BENCH_EXT4_SMALL_GIB ?? 2), false],
  ]) {
    const t0 = Date.now();
    const { top, files } = randomChain(ctx.tmp, `ext4-${gib}`, gib * GiB);
    const made = `${gib} GiB chain, ${((gib * 5) / 16).toFixed(1)} GiB random data, made in ${((Date.now() - t0) / 1000).toFixed(0)} s`;
    const label = `${fs}: ${gib} GiB 3-layer random chain → raw`;
    const q =
      (...t) =>
      () =>
        ctx.measure('qemu-img', ['convert', ...t, '-O', 'raw', top, out], { repeat: 1 });
    const v =
      (...t) =>
      () =>
        ctx.measureVdisk(['convert', '--force', ...t, '-O', 'raw', top, out], { repeat: 1 });
    if (cli) {
      await row(ctx, `${label}, CLI -t unsafe`, runs, v('-t', 'unsafe'), q(), clean, `no sync on either side; ${made}`);
      await row(
        ctx,
        `${label}, CLI durable`,
        runs,
        v(),
        q('-t', 'writeback'),
        clean,
        'vdisk default vs qemu-img -t writeback',
      );
    } else {
      const p = async () => {
        const t1 = process.hrtime.bigint();
        if ((await run(['convert', '--force', '-t', 'unsafe', '-O', 'raw', top, out], sink)) !== 0)
          throw new Error(`in-process convert of ${top} failed`);
        return { ms: Number(process.hrtime.bigint() - t1) / 1e6 };
      };
      await row(ctx, `${label}, in-process -t unsafe`, runs, p, q(), clean, `warm process vs qemu-img; ${made}`, false);
    }
    for (const f of files) rmSync(f, { force: true });
  }
}
