// The README's "Where things are" table (issue 15): one table, one row per folder of the tree (each
// top folder, each src/ folder, each src/engine/ part), and no row for a folder that is gone.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const dirs = (d: string) =>
  readdirSync(join(root, d)).filter((n) => !n.startsWith('.') && statSync(join(root, d, n)).isDirectory());

describe('README: where things are', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Where things are'));
  const rows = [...section.matchAll(/^\| `([^`]+)\/` \|/gm)].map((m) => m[1]!);

  it('has the table once', () => {
    expect(readme.match(/^## Where things are$/gm)).toHaveLength(1);
    expect(readme).not.toMatch(/^## Layout$/m);
    expect(new Set(rows).size).toBe(rows.length);
  });

  it('has a row for every folder, and only for folders that exist', () => {
    const tops = dirs('.').filter((n) => !['node_modules', 'dist', 'fuzz-crashers'].includes(n));
    const src = dirs('src').filter((n) => n !== 'engine');
    const engine = dirs('src/engine').map((n) => `src/engine/${n}`);
    const want = [...tops.filter((n) => n !== 'src'), ...src.map((n) => `src/${n}`), ...engine];
    expect(want.filter((f) => !rows.includes(f))).toEqual([]);
    expect(rows.filter((f) => !existsSync(join(root, f)))).toEqual([]);
  });
});
