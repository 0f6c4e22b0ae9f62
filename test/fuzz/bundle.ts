// The worker thread runs JavaScript, not TypeScript: the fuzz worker is bundled with esbuild into
// dist/fuzz/ (next to the engine builds it loads) before a pool starts, from the CLI and from vitest.
import { join } from 'node:path';
import { build } from 'esbuild';

export async function bundleFuzzWorker(root: string): Promise<string> {
  const outfile = join(root, 'dist/fuzz/worker.mjs');
  await build({
    entryPoints: [join(root, 'test/fuzz/worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
    external: ['koffi'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return outfile;
}
