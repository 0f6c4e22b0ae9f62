// Issue 13: the agent's full verify (verify-copy, mode `full`) of a 64 GiB qcow2 holding 2 GiB of
// data against its copy, beside `qemu-img compare` of the same pair, in alternating rounds (medians
// and spread). The verify runs in this process, bundled from src/agent with esbuild (the agent has
// no CLI verb for it), with the agent's own engine access and roots.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';

const ROUNDS = 5;
const goal = { text: 'full verify ≤ 1.0× qemu-img compare', test: (r) => r.ratio <= 1 };

const ENTRY = `
import { verifyCopy } from './src/agent/verify/verify-copy.ts';
import { EngineAccess } from './src/agent/storage/engine-access.ts';
import { Roots } from './src/agent/storage/roots.ts';
import { CheckedFiles } from './src/agent/storage/safe-open.ts';
export function verifier(dir) {
  const roots = new Roots([{ name: 'bench', dir }]);
  const ctx = { roots, files: new CheckedFiles(roots, () => {}), engine: new EngineAccess(), vms: { names: [] }, store: { data: { volumes: [] } } };
  return (src, dst) => verifyCopy(ctx, { source: 's', sourcePath: src, target: 't', targetPath: dst, mode: 'full', depth: 'flatten' }, () => 'qcow2');
}`;

export default async function verifyBench(ctx) {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  // Next to the built engine (dist/), where the Node loader looks for engine.*.wasm.
  const out = join(root, 'dist', 'bench', 'verify-bench.mjs');
  await build({
    stdin: { contents: ENTRY, resolveDir: root, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: out,
    logLevel: 'error',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const dir = join(ctx.tmp, 'verify');
  mkdirSync(dir, { recursive: true });
  const src = join(dir, 'src.qcow2');
  const dst = join(dir, 'dst.qcow2');
  ctx.qemuImg('create', '-q', '-f', 'qcow2', src, '64G');
  // 2 GiB of data in 64 runs of 32 MiB spread over the 64 GiB (patterns: qemu-io writes them fast).
  const cmds = Array.from({ length: 64 }, (_, i) => ['-c', `write -P 0x${(i + 1).toString(16)} ${i}G 32M`]).flat();
  execFileSync('qemu-io', ['-f', 'qcow2', ...cmds, src], { stdio: 'ignore' });
  ctx.qemuImg('convert', '-f', 'qcow2', '-O', 'qcow2', src, dst);
  const verify = (await import(pathToFileURL(out).href)).verifier(dir);
  const times = { v: [], q: [] };
  const v = async () => {
    const t0 = process.hrtime.bigint();
    await verify(src, dst);
    times.v.push(Number(process.hrtime.bigint() - t0) / 1e6);
  };
  const q = () => {
    times.q.push(ctx.measure('qemu-img', ['compare', '-f', 'qcow2', '-F', 'qcow2', src, dst], { repeat: 1 }).ms);
  };
  await v(); // warm-up: the engine's first load
  times.v.length = 0;
  for (let i = 0; i < ROUNDS; i++) for (const f of i % 2 ? [q, v] : [v, q]) await f();
  const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const spread = (a) => `${Math.min(...a).toFixed(0)}–${Math.max(...a).toFixed(0)} ms`;
  ctx.row('verify full, 64 GiB qcow2 with 2 GiB data', {
    vdiskMs: med(times.v),
    qemuMs: med(times.q),
    goal,
    note: `in-process vs qemu-img compare, ${ROUNDS} alternating rounds; spread vdisk ${spread(times.v)}, qemu-img ${spread(times.q)}`,
  });
}
