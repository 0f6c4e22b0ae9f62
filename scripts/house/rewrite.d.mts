export interface RewriteContext {
  known: Set<string>;
  dirs: Set<string>;
  after: (path: string) => string;
  moves: Map<string, string>;
  topLevel: Set<string>;
}
export function movedDirs(moves: Map<string, string>): Map<string, string>;
export function rewritePaths(text: string, oldFile: string, newFile: string, ctx: RewriteContext): string;
export function rewriteProse(
  text: string,
  moves: Map<string, string>,
  shims: Record<string, string>,
  after: (path: string) => string,
  prose?: Record<string, string>,
): string;
