// The one-time move (scripts/house): placement rules and path rewriting, on small made-up trees.
// The whole move is proved on a throwaway copy of the repository (see the commit that adds it).
import { describe, expect, it } from 'vitest';
import { place } from '../../scripts/house/layout.mjs';
import { rewritePaths, rewriteProse } from '../../scripts/house/rewrite.mjs';

const moves = new Map([
  ['src/engine/load-node.ts', 'src/engine/core/load-node.ts'],
  ['src/engine/write/convert.ts', 'src/engine/ops/convert.ts'],
  ['src/engine/write/index.ts', 'src/engine/ops/index.ts'],
  ['src/engine/write/qcow2/writer.ts', 'src/engine/qcow2/writer.ts'],
  ['test/engine-write/helpers.ts', 'test/engine/helpers/helpers.ts'],
]);
const known = new Set([...moves.keys(), 'src/errors/vdisk-error.ts', 'assembly/status.ts', 'src/io/source.ts']);
const dirs = new Set([
  'src',
  'src/engine',
  'src/engine/write',
  'src/engine/write/qcow2',
  'src/errors',
  'src/io',
  'assembly',
  'test',
  'test/engine-write',
]);
const after = (p: string) => moves.get(p) ?? p;
const ctx = { known, dirs, after, moves, topLevel: new Set(['src', 'test', 'dist', 'assembly']) };
const rewrite = (text: string, file: string) => rewritePaths(text, file, after(file), ctx);

describe('move.mjs', () => {
  it('places files by folder and name, and reports what no rule places', () => {
    expect(place('src/engine/write/repair-zero.ts')).toBe('src/engine/repair/repair-zero.ts');
    expect(place('src/engine/write/qcow2/editor.ts')).toBe('src/engine/qcow2/editor.ts');
    expect(place('src/agent/job-events.ts')).toBe('src/agent/jobs/job-events.ts');
    expect(place('src/engine/write/offload-range.ts')).toBe('src/engine/copy/offload-range.ts');
    expect(place('src/engine/write/brand-new.ts')).toBeUndefined();
    expect(place('src/plan/plan.ts')).toBe('src/plan/plan.ts');
  });

  it('rewrites imports from and to moved files, keeping the extension style', () => {
    const text = [
      "import { Qcow2Writer } from './qcow2/writer.js';",
      "import { VdiskError } from '../../errors/vdisk-error.js';",
      "import * as S from '../../../assembly/status';",
      "const m = await import('../load-node.js');",
    ].join('\n');
    expect(rewrite(text, 'src/engine/write/convert.ts').split('\n')).toEqual([
      "import { Qcow2Writer } from '../qcow2/writer.js';",
      "import { VdiskError } from '../../errors/vdisk-error.js';",
      "import * as S from '../../../assembly/status';",
      "const m = await import('../core/load-node.js');",
    ]);
  });

  it('follows folder imports, URLs into untracked folders and template prefixes', () => {
    expect(rewrite("export * from '../../src/engine/write';", 'test/engine-write/helpers.ts')).toBe(
      "export * from '../../../src/engine/ops';",
    );
    expect(
      rewrite(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the input is source text holding template literals
        "new URL('../../dist/cli.mjs', import.meta.url); new URL(`../../dist/${n}`, u); new URL(`./${n}`, u)",
        'src/engine/load-node.ts',
      ),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the expected output is source text holding template literals
    ).toBe("new URL('../../../dist/cli.mjs', import.meta.url); new URL(`../../../dist/${n}`, u); new URL(`./${n}`, u)");
    expect(rewrite("const not = './nothing-here.js';", 'src/engine/write/convert.ts')).toBe(
      "const not = './nothing-here.js';",
    );
  });

  it('rewrites repo paths named in prose, whole paths only', () => {
    expect(
      rewriteProse(
        'see src/engine/write/convert.ts and src/engine/write/qcow2/, not x/src/engine/write/convert.ts',
        moves,
        {},
        after,
      ),
    ).toBe('see src/engine/ops/convert.ts and src/engine/qcow2/, not x/src/engine/write/convert.ts');
  });
});
