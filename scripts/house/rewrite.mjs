// Path rewriting for move.mjs: relative path strings in code, repo paths in prose.
import { posix } from 'node:path';

const { dirname, join, normalize, relative, basename } = posix;

/** Folders all of whose files moved into one new folder (e.g. src/engine/write/qcow2 → src/engine/qcow2). */
export function movedDirs(moves) {
  const by = new Map();
  for (const [from, to] of moves) {
    const d = dirname(from);
    const set = by.get(d) ?? new Set();
    set.add(dirname(to));
    by.set(d, set);
  }
  return new Map([...by].filter(([, s]) => s.size === 1).map(([d, s]) => [d, [...s][0]]));
}

function resolveFile(target, known) {
  const candidates = [target, target.replace(/\.js$/, '.ts'), target.replace(/\.mjs$/, '.mts'), `${target}.ts`, `${target}/index.ts`];
  return candidates.find((c) => known.has(c));
}

/**
 * Every quoted string that starts with ./ or ../ and names a tracked file or folder, relative to the
 * file's old place, is rewritten to name the same file (or its new place) from the file's new place.
 * The extension style of the specifier is kept (`.js` for a .ts file, none, or the real one).
 */
export function rewritePaths(text, oldFile, newFile, { known, dirs, after, moves }) {
  const dirMoves = movedDirs(moves);
  const warn = [];
  const out = text.replace(/(['"])(\.{1,2}\/[^'"\n$`]*)\1/g, (whole, q, spec) => {
    const target = normalize(join(dirname(oldFile), spec));
    const trailing = spec.endsWith('/') ? '/' : '';
    const file = trailing ? undefined : resolveFile(target, known);
    let newTarget;
    let tail;
    if (file) {
      newTarget = dirname(after(file));
      tail = basename(spec); // names never change, only folders
      if (file === `${target}/index.ts`) { // `import '../dir'`: the folder's index moved with its folder
        newTarget = dirname(dirname(after(file)));
        tail = basename(dirname(after(file)));
      }
    } else if (dirs.has(target.replace(/\/$/, '')) || target === '.' || target === '..' || !target.includes('/') && dirs.has(target)) {
      const d = target.replace(/\/$/, '');
      newTarget = dirMoves.get(d) ?? d;
      if ([...moves.keys()].some((m) => dirname(m) === d) && !dirMoves.has(d)) warn.push(`${oldFile}: ${spec} names a folder whose files went to several folders`);
      tail = '';
    } else return whole;
    let rel = relative(dirname(newFile), newTarget) || '.';
    if (!rel.startsWith('.')) rel = `./${rel}`;
    let next = tail ? `${rel}/${tail}` : `${rel}${trailing}`;
    if (!tail && !trailing && spec.endsWith('/')) next += '/';
    if (normalize(next) === normalize(spec) && next.replace(/^\.\//, '') === spec.replace(/^\.\//, '')) return whole;
    return `${q}${next}${q}`;
  });
  for (const w of warn) console.log(`  warning: ${w}`);
  return out;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Repo paths named in text (docs, comments): src/engine/write/copier.ts → src/engine/copy/copier.ts. */
export function rewriteProse(text, moves, shims, after) {
  const pairs = [...moves, ...Object.keys(shims).map((s) => [s, after(s)])];
  for (const [from, to] of movedDirs(moves)) pairs.push([`${from}/`, `${to}/`]);
  pairs.sort((a, b) => b[0].length - a[0].length);
  let out = text;
  for (const [from, to] of pairs) {
    if (!out.includes(from)) continue;
    out = out.replace(new RegExp(`(?<![\\w./-])${escape(from)}(?![\\w-])`, 'g'), to);
  }
  return out;
}
