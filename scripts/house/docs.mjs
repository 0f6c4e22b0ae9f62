// The two documents the move rewrites whole sections of: the README's layout table becomes the
// "where things are" table, and docs/engine-write.md's copy pipeline reads top to bottom with the
// post-move file names. Both texts are kept beside this script (where-things-are.md, copy-path.md).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Replaces the `## heading` section (up to the next `## ` or the end) of `file` with `section`. */
export function replaceSection(text, heading, section) {
  const start = text.indexOf(`\n## ${heading}`);
  if (start < 0) return `${text.trimEnd()}\n\n${section.trim()}\n`;
  const next = text.indexOf('\n## ', start + 4);
  const end = next < 0 ? text.length : next;
  return `${text.slice(0, start + 1)}${section.trim()}\n${text.slice(end)}`;
}

export function installDocs(root) {
  const here = join(root, 'scripts/house');
  const edits = [
    ['README.md', 'Layout', 'where-things-are.md'],
    ['docs/engine-write.md', 'Copy pipeline', 'copy-path.md'],
  ];
  for (const [file, heading, source] of edits) {
    const path = join(root, file);
    if (!existsSync(path)) continue;
    writeFileSync(path, replaceSection(readFileSync(path, 'utf8'), heading, readFileSync(join(here, source), 'utf8')));
  }
}
