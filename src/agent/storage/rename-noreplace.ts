// rename(2) that never replaces: renameat2(RENAME_NOREPLACE) through koffi (the one native module the
// agent loads; src/io/native/libc.ts holds the others). Where the call or the flag is missing (no
// koffi, an old kernel, a file system without the flag), link(2) then unlink(2): also never replaces,
// and a crash between the two leaves both names on one inode, which rename-volumes.ts finishes.
import { link, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';

const AT_FDCWD = -100;
const RENAME_NOREPLACE = 1;

interface Koffi {
  load(name: string): { func(sig: string): (...a: unknown[]) => number };
  errno(): number;
  os: { errno: Record<string, number> };
}

type Renameat2 = (from: string, to: string) => string | null;
let bound: Renameat2 | null | undefined;

function renameat2(): Renameat2 | null {
  if (bound !== undefined) return bound;
  try {
    const k = createRequire(import.meta.url)('koffi') as Koffi;
    const f = k.load('libc.so.6').func('int renameat2(int, const char *, int, const char *, unsigned int)');
    const names = new Map(Object.entries(k.os.errno).map(([n, v]) => [v, n]));
    bound = (from, to) =>
      f(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) === 0 ? null : (names.get(k.errno()) ?? 'EIO');
  } catch {
    bound = null;
  }
  return bound;
}

const FALL_BACK = new Set(['ENOSYS', 'EINVAL', 'ENOTSUP', 'EOPNOTSUPP']);

/** Renames `from` to `to`; fails with EEXIST (a Node-style error with `code`) when `to` exists. */
export async function renameNoReplace(from: string, to: string): Promise<void> {
  const call = renameat2();
  const r = call ? call(from, to) : 'ENOSYS';
  if (r === null) return;
  if (!FALL_BACK.has(r)) throw Object.assign(new Error(`${r}: rename ${from} -> ${to}`), { code: r });
  await link(from, to);
  await unlink(from);
}
