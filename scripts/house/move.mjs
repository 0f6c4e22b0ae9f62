// The mechanical part of issue 15, run once on a clean tree (`node scripts/house/move.mjs`, then
// `scripts/house/reformat.sh`): moves files to the house layout (layout.mjs) with `git mv`, deletes the
// re-export shims, rewrites every relative path string that named a moved file or folder (imports,
// dynamic imports, `new URL(…, import.meta.url)`, fixture paths) and every repo path named in text
// (docs, comments), then puts the README's "where things are" table and the engine-write copy path in
// place. Prints what it could not place. `--dry-run` prints the moves and changes nothing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PROSE, SHIMS, place } from './layout.mjs';
import { rewritePaths, rewriteProse } from './rewrite.mjs';
import { installDocs } from './docs.mjs';

const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
const dry = process.argv.includes('--dry-run');
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });

const tracked = git('ls-files', '-z')
  .split('\0')
  .filter(Boolean)
  .filter((p) => existsSync(join(root, p)));
const moves = new Map(); // old → new, only files that move
const unplaced = [];
for (const p of tracked) {
  if (p in SHIMS) continue;
  const to = place(p);
  if (to === undefined) unplaced.push(p);
  else if (to !== p) moves.set(p, to);
}
const taken = new Map();
for (const [from, to] of moves) {
  if (taken.has(to) || (tracked.includes(to) && !moves.has(to)))
    throw new Error(`two files would be ${to}: ${from} and ${taken.get(to) ?? to}`);
  taken.set(to, from);
}

/** Where an old path is after the move (shims resolve to what they re-export). */
const after = (p) => {
  const target = SHIMS[p] ?? p;
  return moves.get(target) ?? target;
};

console.log(`${moves.size} files move, ${Object.keys(SHIMS).length} shims go`);
for (const [from, to] of moves) console.log(`  ${from} -> ${to}`);
if (unplaced.length) {
  console.log(`not placed (left where they are; add a rule to scripts/house/layout.mjs):`);
  for (const p of unplaced) console.log(`  ${p}`);
}
if (dry) process.exit(0);

// Rewrite contents first, against the old tree (every path still resolves), then move.
const isCode = (p) => /\.(ts|mts|mjs|js)$/.test(p) && !p.startsWith('dist/');
const isText = (p) => isCode(p) || /\.(md|json|html|css|sh|yml|yaml)$/.test(p) || p === 'package.json';
const known = new Set(tracked);
const dirs = new Set(
  tracked.flatMap((p) =>
    p
      .split('/')
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
  ),
);
const topLevel = new Set(readdirSync(root));
const changed = new Map();
for (const p of tracked) {
  if (p in SHIMS || !isText(p) || p === 'package-lock.json') continue;
  if (p.startsWith('scripts/house/') || p === 'test/house/move.test.ts') continue; // the move's own rules and examples
  const text = readFileSync(join(root, p), 'utf8');
  let out = isCode(p) ? rewritePaths(text, p, after(p), { known, dirs, after, moves, topLevel }) : text;
  out = rewriteProse(out, moves, SHIMS, after, PROSE);
  if (out !== text) changed.set(p, out);
}
for (const [from, to] of moves) {
  mkdirSync(dirname(join(root, to)), { recursive: true });
  git('mv', from, to);
}
for (const shim of Object.keys(SHIMS)) if (known.has(shim)) git('rm', '-q', shim);
for (const [p, text] of changed) writeFileSync(join(root, after(p)), text);
installDocs(root);
git('add', '-A', '--', ...new Set([...moves.values(), ...[...changed.keys()].map(after), 'README.md', 'docs']));
console.log(
  `rewrote ${changed.size} files; now run: npx tsc --noEmit -p . && npm run build && scripts/house/reformat.sh`,
);
