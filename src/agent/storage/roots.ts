// The storage roots: the only places the agent reads or writes. A path is accepted when it is
// absolute, has no `..`, lies under a root, and still lies under that root once every symbolic link
// on the way is resolved (realpath); a path that does not exist yet is judged by its deepest
// existing ancestor, and a dangling link in its place is refused.
import { lstatSync, realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { VdiskError } from '../../errors/vdisk-error.js';

export interface Root {
  name: string;
  dir: string;
}

const inside = (dir: string, path: string) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

export class Roots {
  readonly list: Root[];

  /** `dirs` are resolved with realpath once, at start: a root may itself be reached through a link. */
  constructor(dirs: Root[]) {
    this.list = dirs.map((r) => ({ name: r.name, dir: realpathSync(r.dir) }));
  }

  /** The root a path lies under, by name only (no file system access). */
  rootOf(path: string): Root | undefined {
    return this.list.find((r) => inside(r.dir, path));
  }

  /** Checks `path` as described above; returns it with its root. Throws E_AGENT_PATH_OUTSIDE_ROOTS or E_AGENT_SYMLINK_ESCAPE. */
  resolve(path: string): { root: Root; path: string } {
    if (typeof path !== 'string' || !path.startsWith('/') || path.split('/').includes('..') || path.includes('\0')) {
      throw outside(path);
    }
    const root = this.rootOf(path);
    if (!root || path === root.dir) throw outside(path);
    const real = realOrAncestor(path);
    if (real === null || !inside(root.dir, real)) {
      // The message is the same for a target that exists and one that does not, and never names it
      // (the target stays in `resolved`, for the agent's log only).
      throw new VdiskError('E_AGENT_SYMLINK_ESCAPE', `${path} leads out of root ${root.name} through a symbolic link`, {
        path,
        resolved: real ?? 'a dangling link',
      });
    }
    return { root, path };
  }

  /** True when `path` passes resolve(). */
  allows(path: string): boolean {
    try {
      this.resolve(path);
      return true;
    } catch {
      return false;
    }
  }
}

function outside(path: string): VdiskError {
  return new VdiskError('E_AGENT_PATH_OUTSIDE_ROOTS', `${String(path)} is not under a storage root`, {
    path: String(path),
  });
}

/** realpath of the path, or of its deepest existing ancestor joined with the rest; null for a dangling link. */
function realOrAncestor(path: string): string | null {
  let isLink = false;
  try {
    isLink = lstatSync(path).isSymbolicLink();
  } catch {
    // does not exist: judged by its parent
  }
  try {
    return realpathSync(path);
  } catch {
    // A dangling link would make the agent create a file wherever it points.
    if (isLink) return null;
    const parent = dirname(path);
    if (parent === path) return path;
    const real = realOrAncestor(parent);
    return real === null ? null : join(real, path.slice(parent.length + 1));
  }
}
