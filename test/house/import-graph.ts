// The import graph between the tree's top folders, read from real import statements (TypeScript's
// own pre-processor: static imports, `export … from`, `import type`, dynamic `import()`).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';

/** Folders whose code is checked; `src/x` counts as its own folder, everything else by its first name. */
export const CHECKED = ['assembly', 'src', 'worker', 'web'];

export interface Arrow {
  from: string;
  to: string;
  file: string;
  specifier: string;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : files(p);
    return /\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** `src/engine/write/x.ts` → `src/engine`; `worker/x.ts` → `worker`; `package.json` → `package.json`. */
export function folderOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'src' && parts.length > 2) return `src/${parts[1]}`;
  return parts.length > 1 ? parts[0]! : path;
}

/** Every relative import that crosses from one folder into another, with the file that makes it. */
export function crossings(root: string): Arrow[] {
  const out: Arrow[] = [];
  for (const top of CHECKED) {
    for (const abs of files(join(root, top))) {
      const file = relative(root, abs);
      const { importedFiles } = ts.preProcessFile(readFileSync(abs, 'utf8'), true, true);
      for (const { fileName: specifier } of importedFiles) {
        if (!specifier.startsWith('.')) continue; // packages and node: builtins are checked elsewhere
        const target = normalize(join(dirname(file), specifier));
        const from = folderOf(file);
        const to = folderOf(target);
        if (from !== to) out.push({ from, to, file, specifier });
      }
    }
  }
  return out;
}
