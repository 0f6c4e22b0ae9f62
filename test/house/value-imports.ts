// The imports of a file that exist at run time (static imports that are not `import type` or all
// type-only names, `export … from`, dynamic `import()`), read with TypeScript's parser, and the
// Node built-ins a file reaches through them, following relative imports file by file.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const BUILTINS = new Set(builtinModules);

/** `node:fs`, `fs`, `fs/promises`: a Node built-in, under either spelling. */
export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!);
}

function typeOnly(d: ts.ImportDeclaration): boolean {
  const c = d.importClause;
  if (!c) return false; // a bare `import 'x'` runs x
  if (c.isTypeOnly) return true;
  const b = c.namedBindings;
  return !c.name && !!b && ts.isNamedImports(b) && b.elements.length > 0 && b.elements.every((e) => e.isTypeOnly);
}

export function valueImports(text: string): string[] {
  const sf = ts.createSourceFile('x.ts', text, ts.ScriptTarget.ES2022, false);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier) && !typeOnly(n))
      out.push(n.moduleSpecifier.text);
    else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier) && !n.isTypeOnly)
      out.push(n.moduleSpecifier.text);
    else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const a = n.arguments[0];
      if (a && ts.isStringLiteralLike(a)) out.push(a.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

function resolveFile(from: string, specifier: string): string | undefined {
  const base = join(dirname(from), specifier);
  const stem = base.replace(/\.(js|mjs)$/, '');
  return [`${stem}.ts`, `${stem}.mts`, join(base, 'index.ts'), base].find((p) => existsSync(p) && statSync(p).isFile());
}

/**
 * Each Node built-in the files reach at run time, with the chain of files that leads to it (each
 * file is read once, so a built-in two files reach is reported for the first).
 */
export function nodeReach(root: string, ...files: string[]): { builtin: string; via: string[] }[] {
  const found: { builtin: string; via: string[] }[] = [];
  const seen = new Set<string>();
  const walk = (abs: string, via: string[]): void => {
    if (seen.has(abs)) return;
    seen.add(abs);
    const here = [...via, relative(root, abs)];
    for (const s of valueImports(readFileSync(abs, 'utf8'))) {
      if (isNodeBuiltin(s)) found.push({ builtin: s, via: here });
      else if (s.startsWith('.')) {
        const next = resolveFile(abs, s);
        if (next) walk(next, here);
      }
    }
  };
  for (const f of files) walk(join(root, f), []);
  return found;
}
