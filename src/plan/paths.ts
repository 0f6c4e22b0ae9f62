// POSIX path arithmetic for plans (pure: no node:path, so plans also build in a browser).
// Relative backing names resolve against the directory of the image that names them (qcow2 spec).

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Joins and normalises; `..` that would climb above the root is kept out by the caller's checks. */
export function joinPath(...parts: string[]): string {
  const out: string[] = [];
  for (const part of parts.join('/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

/** Where a backing name recorded in `imagePath` points. */
export function resolveBacking(imagePath: string, backingName: string): string {
  return backingName.startsWith('/') ? joinPath(backingName) : joinPath(dirname(imagePath), backingName);
}

/** The name to record in `fromImage` so that it resolves to `toPath`. */
export function relativeBackingName(fromImage: string, toPath: string): string {
  const from = dirname(fromImage).split('/').filter(Boolean);
  const to = toPath.split('/').filter(Boolean);
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  return [...from.slice(common).map(() => '..'), ...to.slice(common)].join('/');
}

/** True when `path`, once normalised, is strictly inside `root`. Paths with `..` are never inside. */
export function isInside(root: string, path: string): boolean {
  if (!path.startsWith('/') || path.split('/').includes('..')) return false;
  const r = joinPath(root);
  const p = joinPath(path);
  return p !== r && p.startsWith(r === '/' ? '/' : r + '/');
}
