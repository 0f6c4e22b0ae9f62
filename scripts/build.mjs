// Builds everything the CLI, tests and console need: the engine (SIMD and scalar Wasm, with the
// bindings' .d.ts that src/engine/core/load.ts types the exports from) and the bundles. Skips the
// Wasm step when nothing under assembly/ changed since the last build.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { webBundleOptions } from './web-bundle.mjs';

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
  // asc writes engine.<target>.d.ts beside it (asconfig.json: bindings esm): tsc types the exports from it.
  const types = join(dist, `engine.${target}.d.ts`);
  if (existsSync(out) && existsSync(types) && statSync(out).mtimeMs > srcTime) continue;
  execFileSync(asc, ['assembly/index.ts', '--config', 'asconfig.json', '--target', target], {
    cwd: root,
    stdio: 'inherit',
  });
}

const common = { bundle: true, sourcemap: true, logLevel: 'warning', target: 'es2022' };
const cli = await build({
  ...common,
  metafile: true,
  entryPoints: { cli: join(root, 'src/cli/main.ts') },
  outdir: dist,
  outExtension: { '.js': '.mjs' },
  platform: 'node',
  format: 'esm',
  splitting: true, // verbs imported lazily become chunks, so a quick verb starts quickly
  chunkNames: 'chunks/[name]-[hash]',
  external: ['koffi'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
// Chunk names carry content hashes: drop those this build did not write, so they don't pile up.
const written = new Set(Object.keys(cli.metafile.outputs).map((p) => resolve(p)));
const chunks = join(dist, 'chunks');
for (const f of readdirSync(chunks)) if (!written.has(join(chunks, f))) rmSync(join(chunks, f), { force: true });

// The browser console and its engine worker (issue 8): two browser bundles, the page, and the engine
// builds the worker fetches, all in dist/web/ so one static server serves the lot.
const web = join(dist, 'web');
mkdirSync(web, { recursive: true });
await build(webBundleOptions(root, web));
copyFileSync(join(root, 'web/index.html'), join(web, 'index.html'));
// The console's styles, one file per concern under web/styles/, bundled (their @imports inlined in
// order) into the one sheet index.html links.
await build({
  entryPoints: [join(root, 'web/styles/index.css')],
  outfile: join(web, 'styles.css'),
  bundle: true,
  logLevel: 'warning',
});
for (const f of ['engine.simd.wasm', 'engine.scalar.wasm']) copyFileSync(join(dist, f), join(web, f));
// PatternFly's stylesheet (class names only, no React) and the variable fonts it names, in dist/web/pf/.
const pf = join(root, 'node_modules/@patternfly/patternfly');
for (const f of [
  'patternfly.min.css',
  ...['RedHatText/RedHatTextVF.woff2', 'RedHatDisplay/RedHatDisplayVF.woff2', 'RedHatMono/RedHatMonoVF.woff2'].map(
    (x) => `assets/fonts/${x}`,
  ),
  'assets/pficon/pf-v6-pficon.woff2',
]) {
  mkdirSync(dirname(join(web, 'pf', f)), { recursive: true });
  copyFileSync(join(pf, f), join(web, 'pf', f));
}
