// The browser bundles' esbuild options, shared by scripts/build.mjs and the test that proves them
// Node-free (test/house/bundles.test.ts): the console and its engine worker (esbuild leaves
// `new Worker(url)` alone, so the worker is its own entry point). No stub, no `process.env`: code
// that reaches a Node module fails this build.
import { join } from 'node:path';

/** @param {string} root @param {string} outdir */
export function webBundleOptions(root, outdir) {
  return {
    bundle: true,
    sourcemap: true,
    logLevel: 'warning',
    target: 'es2022',
    entryPoints: { console: join(root, 'web/main.ts'), worker: join(root, 'worker/engine-worker.ts') },
    outdir,
    platform: 'browser',
    format: 'esm',
    minify: true,
  };
}
