#!/usr/bin/env node
// `npm run fuzz -- --count N --seed S`: bundles the in-process fuzzer (test/fuzz/, TypeScript that
// shares the fuzz fixtures with the tests) with esbuild and runs it. See docs/fuzz.md.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = join(root, 'dist/fuzz/main.mjs');
await build({
  entryPoints: [join(root, 'test/fuzz/main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'es2022',
  sourcemap: true,
  logLevel: 'warning',
  external: ['esbuild', 'koffi'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
const { main } = await import(pathToFileURL(outfile).href);
process.exitCode = await main(root, process.argv.slice(2));
