// Issue 3: `vdisk map` against `qemu-img map` on a 4 TiB sparse qcow2 and a 2 GiB 3-layer chain.
// Goal: the engine's in-process map beats qemu-img's whole process; CLI wall time (with Node's
// start-up) is printed beside it.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const KiB = 1024,
  MiB = KiB * KiB,
  GiB = MiB * KiB,
  TiB = GiB * KiB;

/** Deterministic scattered writes: `count` writes of `len` bytes, aligned to `align`, within `size`. */
function scattered(seed, count, len, align, size, pattern) {
  let x = seed >>> 0;
  const cmds = [];
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const off = Math.floor((x / 2 ** 32) * (size / align - len / align)) * align;
    cmds.push('-c', i % 7 === 0 ? `write -z ${off} ${len}` : `write -P ${pattern} ${off} ${len}`);
  }
  return cmds;
}

function qemuIo(file, cmds) {
  for (let i = 0; i < cmds.length; i += 2000)
    execFileSync('qemu-io', ['-f', 'qcow2', ...cmds.slice(i, i + 2000), file], { stdio: 'ignore' });
}

async function mapCase(ctx, name, file) {
  const { run } = await ctx.loadCli();
  const sink = { stdout: () => {}, stderr: (t) => process.stderr.write(t) };
  const inProc = await ctx.timeInProcess(() => run(['map', '--output=json', file], sink));
  const q = ctx.measure('qemu-img', ['map', '--output=json', file]);
  const v = ctx.measureVdisk(['map', '--output=json', file]);
  ctx.row(`map ${name} (CLI)`, {
    vdiskMs: v.ms,
    qemuMs: q.ms,
    vdiskRssMiB: v.rssMiB,
    qemuRssMiB: q.rssMiB,
    note: 'whole process, Node start-up included',
  });
  ctx.row(`map ${name} (in-process engine)`, {
    vdiskMs: inProc,
    qemuMs: q.ms,
    note: 'engine map in a warm process vs qemu-img process',
    goal: { text: 'in-process < qemu-img', test: (r) => r.vdiskMs < r.qemuMs },
  });
}

export default async function (ctx) {
  const big = join(ctx.tmp, 'sparse-4t.qcow2');
  ctx.qemuImg('create', '-q', '-f', 'qcow2', big, String(4 * TiB));
  qemuIo(big, scattered(1, 512, 64 * KiB, 64 * KiB, 4 * TiB, 0x11));
  await mapCase(ctx, '4 TiB sparse qcow2', big);

  const base = join(ctx.tmp, 'chain-base.qcow2');
  const mid = join(ctx.tmp, 'chain-mid.qcow2');
  const top = join(ctx.tmp, 'chain-top.qcow2');
  ctx.qemuImg('create', '-q', '-f', 'qcow2', base, String(2 * GiB));
  qemuIo(base, scattered(2, 6000, 128 * KiB, 64 * KiB, 2 * GiB, 0x22));
  ctx.qemuImg('create', '-q', '-f', 'qcow2', '-b', 'chain-base.qcow2', '-F', 'qcow2', mid);
  qemuIo(mid, scattered(3, 3000, 64 * KiB, 4 * KiB, 2 * GiB, 0x33));
  ctx.qemuImg('create', '-q', '-f', 'qcow2', '-b', 'chain-mid.qcow2', '-F', 'qcow2', top);
  qemuIo(top, scattered(4, 3000, 32 * KiB, 4 * KiB, 2 * GiB, 0x44));
  await mapCase(ctx, '2 GiB 3-layer qcow2 chain', top);
}
