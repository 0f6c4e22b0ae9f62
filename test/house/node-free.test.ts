// The engine must run anywhere (issue 15): no file under src/engine/ reaches a Node built-in at run
// time, directly or through what it imports (src/io's Node adapters included). Node specifics live
// in src/host/ and src/io/, and only the CLI, the agent and `vdisk start` put them together.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isNodeBuiltin, nodeReach, valueImports } from './value-imports.js';

const root = new URL('../../', import.meta.url).pathname;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : name.endsWith('.ts') ? [relative(root, p)] : [];
  });
}

describe('the engine reaches no Node built-in', () => {
  const engine = tsFiles(join(root, 'src/engine'));

  it('reads the real tree', () => {
    expect(engine.length).toBeGreaterThan(50);
    expect(engine).toContain('src/engine/ops/commit.ts');
  });

  it('no file under src/engine/ reaches node:* (or a bare built-in), however indirectly', () => {
    const reached = nodeReach(root, ...engine).map((r) => `${r.via.join(' -> ')} -> ${r.builtin}`);
    expect(reached).toEqual([]);
  });

  it('finds what the Node host reaches, through src/io', () => {
    const reached = nodeReach(root, 'src/host/node-files.ts');
    expect(reached.map((r) => r.builtin)).toEqual(expect.arrayContaining(['node:fs/promises']));
    expect(reached.some((r) => r.via.includes('src/io/node-file-target.ts'))).toBe(true);
  });

  it('tells run-time imports from type-only ones', () => {
    const text = [
      "import type { A } from 'node:fs';",
      "import { type B } from 'node:path';",
      "import { C, type D } from 'node:os';",
      "export { E } from 'fs';",
      "const m = await import('node:url');",
      "import 'node:process';",
    ].join('\n');
    expect(valueImports(text)).toEqual(['node:os', 'fs', 'node:url', 'node:process']);
    expect(['node:fs', 'fs', 'fs/promises', 'path'].every(isNodeBuiltin)).toBe(true);
    expect(isNodeBuiltin('fflate')).toBe(false);
  });
});
