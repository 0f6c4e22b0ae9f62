// Issue 16: clones on file systems that share extents, made by the bench on loop-mounted files (it
// runs as root): XFS with reflink=1 (a missing mkfs.xfs fails the row) and btrfs (may report itself
// unavailable). An 8 GiB image holding 2 GiB of data (32 runs of 64 MiB), raw → raw and qcow2 →
// qcow2: vdisk (copy offload: copy_file_range shares the extents) against `qemu-img convert` (copies
// every byte) and `qemu-img convert -C` (copy offload too), in alternating rounds, medians.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const MiB = 1 << 20,
  GiB = 1024 * MiB;
const ROUNDS = 5;
const MKFS = { xfs: ['mkfs.xfs', '-q', '-f', '-m', 'reflink=1'], btrfs: ['mkfs.btrfs', '-q', '-f'] };
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function mount(ctx, kind) {
  const img = join(ctx.tmp, `${kind}.img`);
  const dir = join(ctx.tmp, kind);
  mkdirSync(dir, { recursive: true });
  execFileSync('truncate', ['-s', '24G', img]);
  execFileSync(MKFS[kind][0], [...MKFS[kind].slice(1), img], { stdio: 'pipe' });
  execFileSync('mount', ['-o', 'loop', img, dir]);
  return {
    dir,
    close: () => {
      try {
        execFileSync('umount', [dir]);
      } finally {
        rmSync(img, { force: true });
      }
    },
  };
}

async function cloneCase(ctx, kind, dir, name, src, fmt) {
  const out = join(dir, `out.${fmt}`);
  const { run } = await ctx.loadCli();
  const quiet = { stdout: () => {}, stderr: (t) => process.stderr.write(t) };
  const f = {
    v: () => ctx.measureVdisk(['convert', '--force', '-t', 'unsafe', '-O', fmt, src, out], { repeat: 1 }),
    q: () => ctx.measure('qemu-img', ['convert', '-O', fmt, src, out], { repeat: 1 }),
    c: () => ctx.measure('qemu-img', ['convert', '-C', '-O', fmt, src, out], { repeat: 1 }),
    p: async () => {
      const t0 = process.hrtime.bigint();
      if ((await run(['convert', '--force', '-t', 'unsafe', '-O', fmt, src, out], quiet)) !== 0)
        throw new Error(`in-process convert of ${src} failed`);
      return { ms: Number(process.hrtime.bigint() - t0) / 1e6 };
    },
  };
  const got = { v: [], q: [], c: [], p: [] };
  const loads = [load()];
  for (let i = 0; i < ROUNDS; i++) {
    for (const k of i % 2 ? ['q', 'c', 'p', 'v'] : ['v', 'p', 'c', 'q']) {
      got[k].push(await f[k]());
      rmSync(out, { force: true });
      execFileSync('sync');
    }
  }
  loads.push(load());
  const med = (k) => {
    const ms = got[k].map((r) => r.ms).sort((a, b) => a - b);
    return {
      ms: ms[ms.length >> 1],
      lo: ms[0],
      hi: ms[ms.length - 1],
      rssMiB: Math.max(...got[k].map((r) => r.rssMiB ?? 0)),
    };
  };
  const [v, q, c, p] = [med('v'), med('q'), med('c'), med('p')];
  const spread = (m) => `${m.lo.toFixed(0)}–${m.hi.toFixed(0)}`;
  const note = `load ${loads.join(' → ')}`;
  ctx.row(`${kind}: ${name}, CLI vs qemu-img convert`, {
    vdiskMs: v.ms,
    qemuMs: q.ms,
    vdiskRssMiB: v.rssMiB,
    qemuRssMiB: q.rssMiB,
    note: `spread ${spread(v)} vs ${spread(q)} ms; ${note}`,
    goal: { text: '≤ 0.05×', test: (r) => r.ratio <= 0.05 },
  });
  ctx.row(`${kind}: ${name}, in-process vs qemu-img convert -C`, {
    vdiskMs: p.ms,
    qemuMs: c.ms,
    qemuRssMiB: c.rssMiB,
    note: `spread ${spread(p)} vs ${spread(c)} ms`,
    goal: { text: '≤ 1.0×', test: (r) => r.ratio <= 1 },
  });
  ctx.row(`${kind}: ${name}, CLI vs qemu-img convert -C`, {
    vdiskMs: v.ms,
    qemuMs: c.ms,
    vdiskRssMiB: v.rssMiB,
    qemuRssMiB: c.rssMiB,
    note: "the CLI adds Node's start-up",
  });
}

async function onFs(ctx, kind) {
  let fs;
  try {
    fs = mount(ctx, kind);
  } catch (e) {
    if (kind === 'xfs')
      throw new Error(`an XFS loop mount is needed (apt-get install -y xfsprogs; run as root): ${e.message}`);
    ctx.row(`${kind}: unavailable`, { note: String(e.message).split('\n')[0] });
    return;
  }
  try {
    const raw = join(fs.dir, 'src.raw');
    ctx.qemuImg('create', '-q', '-f', 'raw', raw, String(8 * GiB));
    const writes = Array.from({ length: 32 }, (_, i) => ['-c', `write -P ${i + 1} ${i * 256 * MiB} 64M`]).flat();
    execFileSync('qemu-io', ['-f', 'raw', ...writes, raw], { stdio: 'ignore' });
    const q = join(fs.dir, 'src.qcow2');
    ctx.qemuImg('convert', '-O', 'qcow2', raw, q);
    await cloneCase(ctx, kind, fs.dir, '8 GiB raw (2 GiB data) → raw', raw, 'raw');
    await cloneCase(ctx, kind, fs.dir, '8 GiB qcow2 (2 GiB data) → qcow2', q, 'qcow2');
  } finally {
    fs.close();
  }
}

export default async function (ctx) {
  await onFs(ctx, 'xfs');
  await onFs(ctx, 'btrfs');
}
