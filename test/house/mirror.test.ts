// test/ mirrors the tree (issue 15 item 6): a file's tests are found by its path. Two rules, read from
// the real tree: every folder of tests names a source folder (test/agent/jobs ↔ src/agent/jobs,
// test/worker ↔ worker), and a test named after a source file (job-states.test.ts ↔ job-states.ts)
// sits in that file's mirrored folder or above it (test/agent/ops.test.ts ↔ src/agent/http/ops.ts).
// The cross-cutting suites, helper folders and the few files listed below are the named exceptions.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

/** Suites that cut across the tree, and folders of shared test helpers: not mirrors of one source folder. */
const EXCEPTIONS: readonly string[] = [
  'test/integration', // real QEMU, Chromium and workerd, end to end
  'test/security', // hostile input across every layer
  'test/scale', // the chaos suite
  'test/house', // the tree's own rules (imports, layout)
  'test/fuzz', // the CLI and engine fuzzed together
  'test/engine/diff', // vdisk against qemu-img, verb by verb
  'test/fixtures',
  'test/helpers',
  'test/plan/qmp-replay', // recorded QMP transcripts replayed through the planner
];
/** Tests whose name is also a source file's elsewhere, and why they sit where they do. */
const NAMED_LIKE_ANOTHER: Readonly<Record<string, string>> = {
  'test/gateway/events.test.ts':
    "the gateway's event checks (test/gateway/checks/) on Node, not src/plan/sim/events.ts",
  'test/agent/storage/inventory-cache.test.ts':
    'tests src/agent/inventory-cache/, which the agent storage work is moving under src/agent/storage/',
};
const excepted = (dir: string) => EXCEPTIONS.some((e) => dir === e || dir.startsWith(`${e}/`));

function files(dir: string, keep: (f: string) => boolean, out: string[] = []): string[] {
  for (const name of readdirSync(join(root, dir))) {
    const rel = `${dir}/${name}`;
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(join(root, rel)).isDirectory()) files(rel, keep, out);
    else if (keep(rel)) out.push(rel);
  }
  return out;
}

/** test/agent/jobs → src/agent/jobs; test/worker → worker; test/web/jobs → web/jobs. */
const mirrorOf = (testDir: string): string | undefined => {
  const rest = testDir.slice('test/'.length);
  return [`src/${rest}`, rest].find((d) => existsSync(join(root, d)) && statSync(join(root, d)).isDirectory());
};

const tests = files('test', (f) => f.endsWith('.test.ts'));
const sources = ['src', 'worker', 'web'].flatMap((d) =>
  files(d, (f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && basename(f) !== 'index.ts'),
);

describe('test/ mirrors the tree', () => {
  it('reads the real tree', () => {
    expect(tests.length).toBeGreaterThan(100);
    expect(sources.length).toBeGreaterThan(100);
  });

  it('every folder of tests names a source folder, or is a named exception', () => {
    const orphans = [...new Set(tests.map(dirname))].filter((d) => !excepted(d) && !mirrorOf(d));
    expect(orphans).toEqual([]);
  });

  it("a test named after a source file sits in that file's mirrored folder", () => {
    const byName = new Map<string, string[]>();
    for (const s of sources) byName.set(basename(s, '.ts'), [...(byName.get(basename(s, '.ts')) ?? []), s]);
    const misplaced = tests
      .filter((t) => !excepted(dirname(t)))
      .flatMap((t) => {
        const name = basename(t, '.test.ts');
        const homes = byName.get(name) ?? [];
        const here = mirrorOf(dirname(t));
        if (homes.length === 0 || t in NAMED_LIKE_ANOTHER) return [];
        // At home: the source is in the mirrored folder or below it, or the test is named after a folder there.
        if (here && homes.some((s) => dirname(s) === here || dirname(s).startsWith(`${here}/`))) return [];
        if (here && existsSync(join(root, here, name))) return [];
        return [`${t} tests ${homes.map((h) => relative(root, join(root, h))).join(' or ')}`];
      });
    expect(misplaced).toEqual([]);
  });

  it('each exception exists (a stale entry is removed, not kept)', () => {
    expect([...EXCEPTIONS, ...Object.keys(NAMED_LIKE_ANOTHER)].filter((e) => !existsSync(join(root, e)))).toEqual([]);
  });
});
