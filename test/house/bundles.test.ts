// The browser bundles (console + engine worker) and the workerd gateway bundle build with no stub
// and no Node module in them (issue 15): built in memory with the options the real builds use, and
// every import esbuild recorded is checked, so code that reaches node:fs fails here (as a build
// error where the platform has no Node, as a recorded import if someone marks it external).
import { join } from 'node:path';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { webBundleOptions } from '../../scripts/web-bundle.mjs';
import { edgeBundleOptions } from '../../src/gateway/edge/launch.js';
import { isNodeBuiltin } from './value-imports.js';

const root = new URL('../../', import.meta.url).pathname;

async function metafile(o: BuildOptions): Promise<Metafile> {
  const r = await build({ ...o, write: false, metafile: true, sourcemap: false, minify: false, logLevel: 'silent' });
  return r.metafile;
}

/** Every Node built-in an input of the bundle imports, as `input -> specifier`. */
function nodeImports(m: Metafile): string[] {
  const out: string[] = [];
  for (const [input, { imports }] of Object.entries(m.inputs))
    for (const i of imports)
      if (isNodeBuiltin(i.original ?? i.path) || isNodeBuiltin(i.path)) out.push(`${input} -> ${i.path}`);
  return out;
}

describe('bundles without Node', () => {
  it('the console and its engine worker (browser) import no Node module', { timeout: 120_000 }, async () => {
    const m = await metafile(webBundleOptions(root, join(root, 'dist/web')));
    const inputs = Object.keys(m.inputs);
    expect(inputs).toEqual(
      expect.arrayContaining(['web/main.ts', 'worker/engine-worker.ts', 'src/engine/ops/convert.ts']),
    );
    expect(nodeImports(m)).toEqual([]);
  });

  it('the workerd gateway imports no Node module', { timeout: 120_000 }, async () => {
    const m = await metafile(edgeBundleOptions(root, join(root, 'dist/edge-check.mjs')));
    expect(Object.keys(m.inputs)).toContain('src/gateway/worker.ts');
    expect(nodeImports(m)).toEqual([]);
  });

  it('sees a Node import that is let through (marked external)', { timeout: 120_000 }, async () => {
    const m = await metafile({
      ...webBundleOptions(root, join(root, 'dist/web')),
      external: ['node:*'],
      entryPoints: {
        host: join(root, 'src/host/node-files.ts'),
      },
    });
    expect(nodeImports(m)).toEqual(expect.arrayContaining([expect.stringMatching(/node-file-target\.ts -> node:fs/)]));
  });
});
