// Builds everything the CLI, tests and console need: the engine (SIMD and scalar Wasm) and the
// bundles. Skips the Wasm step when nothing under assembly/ changed since the last build.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

function newest(dir) {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

const asc = join(root, 'node_modules/.bin/asc');
const srcTime = Math.max(newest(join(root, 'assembly')), statSync(join(root, 'asconfig.json')).mtimeMs);
for (const target of ['simd', 'scalar']) {
  const out = join(dist, `engine.${target}.wasm`);
  if (existsSync(out) && statSync(out).mtimeMs > srcTime) continue;
  execFileSync(asc, ['assembly/index.ts', '--config', 'asconfig.json', '--target', target], { cwd: root, stdio: 'inherit' });
}

const common = { bundle: true, sourcemap: true, logLevel: 'warning', target: 'es2022' };
await build({
  ...common,
  entryPoints: { cli: join(root, 'src/cli/main.ts') },
  outdir: dist,
  outExtension: { '.js': '.mjs' },
  platform: 'node',
  format: 'esm',
  external: ['fs-ext'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});

// The browser console and its engine worker (issue 8): two browser bundles (esbuild leaves
// `new Worker(url)` alone, so the worker is its own entry point), the page, and the engine builds
// the worker fetches, all in dist/web/ so one static server serves the lot.
const web = join(dist, 'web');
mkdirSync(web, { recursive: true });
await build({
  ...common,
  entryPoints: { console: join(root, 'web/main.ts'), worker: join(root, 'worker/engine-worker.ts') },
  outdir: web,
  platform: 'browser',
  format: 'esm',
  minify: true,
});
for (const f of ['index.html', 'styles.css']) copyFileSync(join(root, 'web', f), join(web, f));
for (const f of ['engine.simd.wasm', 'engine.scalar.wasm']) copyFileSync(join(dist, f), join(web, f));
