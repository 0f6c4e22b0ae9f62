// When an offline move is a rename(2) instead of copy + verify + delete: the data does not move, so
// it must already be what the copy would make. Every condition below is one the copy would change.
import type { Pool, Volume } from './inventory.js';
import { inheritedMode } from './modes.js';
import type { LayerCopy } from './offline-copy.js';
import { resolveBacking } from './paths.js';
import { sameFs } from './pool-fs.js';

export interface RenameCase {
  live: boolean;
  /** A wipe is asked for: the user wants the old blocks zeroed, which only a copy can give (seed 000). */
  wipe: boolean;
  /** The request asks for a copy (`method: 'copy'`). */
  copy: boolean;
  keepChain: boolean;
  /** Source chain, top first. */
  chain: Volume[];
  /** The copies the move would make, bottom first. */
  copies: LayerCopy[];
  pool: Pool;
  sourcePools: Pool[];
}

export function canRename(c: RenameCase): boolean {
  // A running guest writes its disk: a live move mirrors through QEMU.
  if (c.live || c.wipe || c.copy) return false;
  // The chain's shape stays: every layer kept (keep-chain), or a single layer (nothing to flatten).
  if (!c.keepChain && c.chain.length !== 1) return false;
  // One mount of one file system for the target pool and every source layer.
  if (!sameFs(c.pool, c.sourcePools)) return false;
  return c.copies.every((copy, i) => {
    const { source, target } = copy;
    // A copy drops world-write from the mode; a rename keeps the inode's mode, so it must already be so.
    if (inheritedMode(source.mode) !== source.mode) return false;
    // The headers are not rewritten: each recorded backing name must find the renamed layer below.
    const below = c.copies[i - 1]?.target.path ?? null;
    if (below === null) return source.backingName === null;
    return source.backingName !== null && resolveBacking(target.path, source.backingName) === below;
  });
}
