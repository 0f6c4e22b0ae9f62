// Scripts (benches, build, fuzz) name source files by path in strings that esbuild resolves only when
// the script runs: a file move breaks them silently (the house move left the verify and l2scan benches
// pointing at src/agent/verify-copy.ts and src/engine/node-engine.ts). Every such path must exist.
// scripts/house/ is the exception: its move table names the old paths on purpose.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const SOURCE_PATH = /(?:['"`/]|^)((?:src|worker|web|test|assembly)\/[\w./-]+\.(?:ts|mjs|js))/gm;

function scripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'house' ? [] : scripts(path);
    return /\.(mjs|js|ts)$/.test(e.name) ? [path] : [];
  });
}

describe('paths named by scripts', () => {
  const files = scripts(join(root, 'scripts'));

  it('finds the scripts and the paths they name', () => {
    const named = files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(SOURCE_PATH)]);
    expect(files.length).toBeGreaterThan(5);
    expect(named.length).toBeGreaterThan(5);
  });

  it.each(files.map((f) => [relative(root, f), f]))('%s names only files that exist', (_, file) => {
    const text = readFileSync(file, 'utf8');
    const missing = [...text.matchAll(SOURCE_PATH)].map((m) => m[1]).filter((p) => !existsSync(join(root, p)));
    expect(missing).toEqual([]);
  });
});
