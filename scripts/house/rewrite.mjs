// Path rewriting for move.mjs: relative path strings in code, repo paths in prose.
import { posix } from 'node:path';

const { dirname, join, normalize, relative, basename } = posix;

/** Folders all of whose files moved into one new folder (e.g. src/engine/write/qcow2 → src/engine/qcow2). */
export function movedDirs(moves) {
  const by = new Map();
  for (const [from, to] of moves) {
    const set = by.get(dirname(from)) ?? new Set();
    set.add(dirname(to));
    by.set(dirname(from), set);
  }
  return new Map([...by].filter(([, s]) => s.size === 1).map(([d, s]) => [d, [...s][0]]));
}

function resolveFile(target, known) {
  const candidates = [
    target,
    target.replace(/\.js$/, '.ts'),
    target.replace(/\.mjs$/, '.mts'),
    `${target}.ts`,
    `${target}/index.ts`,
  ];
  return candidates.find((c) => known.has(c));
}

/**
 * The new spelling of relative path `spec` written in `oldFile`, once the file is at `newFile`, or
 * undefined when it is no path into the tree. Tracked files and folders follow their moves; a path
 * into another top-level folder that git does not track (dist/, node_modules/) stays where it is.
 * A file keeps its name and the specifier its extension style (`.js` for a .ts file, none, or real).
 */
function remap(spec, oldFile, newFile, ctx) {
  const { known, dirs, after, moves, topLevel, warn } = ctx;
  const target = normalize(join(dirname(oldFile), spec)).replace(/\/$/, '');
  const slash = spec.endsWith('/') ? '/' : '';
  const file = slash ? undefined : resolveFile(target, known);
  let dir;
  let tail = '';
  if (file === `${target}/index.ts`) {
    // `import '../dir'`: the folder's index moved with its folder
    dir = dirname(dirname(after(file)));
    tail = basename(dirname(after(file)));
  } else if (file) {
    dir = dirname(after(file));
    tail = basename(spec);
  } else if (dirs.has(target) || target === '.') {
    dir = ctx.dirMoves.get(target) ?? target;
    if (!ctx.dirMoves.has(target) && [...moves.keys()].some((m) => dirname(m) === target)) {
      warn.push(`${oldFile}: ${spec} names a folder whose files went to several folders`);
    }
  } else {
    const top = target.split('/')[0];
    if (top === oldFile.split('/')[0] || !topLevel.has(top)) return undefined;
    dir = target; // e.g. ../../dist/cli.mjs: not in git, never moves
  }
  let rel = relative(dirname(newFile), dir) || '.';
  if (!rel.startsWith('.')) rel = `./${rel}`;
  const next = tail ? `${rel}/${tail}` : `${rel}${slash}`;
  return next === spec ? undefined : next;
}

/** Rewrites quoted relative paths and the relative prefix of template literals (`../../dist/${x}`). */
export function rewritePaths(text, oldFile, newFile, ctx) {
  const c = { ...ctx, dirMoves: movedDirs(ctx.moves), warn: [] };
  let out = text.replace(/(['"])(\.{1,2}\/[^'"\n$`]*)\1/g, (whole, q, spec) => {
    const next = remap(spec, oldFile, newFile, c);
    return next === undefined ? whole : `${q}${next}${q}`;
  });
  out = out.replace(/`(\.{1,2}\/[^`$\n]*\/)\$\{/g, (whole, spec) => {
    const next = remap(spec, oldFile, newFile, c);
    return next === undefined ? whole : `\`${next}\${`;
  });
  for (const w of c.warn) console.log(`  warning: ${w}`);
  return out;
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Repo paths named in text (docs, comments): src/engine/write/copier.ts → src/engine/copy/copier.ts. */
export function rewriteProse(text, moves, shims, after, prose = {}) {
  const pairs = [...moves, ...Object.keys(shims).map((s) => [s, after(s)]), ...Object.entries(prose)];
  for (const [from, to] of movedDirs(moves)) pairs.push([`${from}/`, `${to}/`]);
  pairs.sort((a, b) => b[0].length - a[0].length);
  let out = text;
  for (const [from, to] of pairs) {
    if (!out.includes(from)) continue;
    out = out.replace(new RegExp(`(?<![\\w./-])${escapeRegExp(from)}(?![\\w-])`, 'g'), to);
  }
  return out;
}
