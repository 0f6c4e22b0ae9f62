// Free space is checked when a copy runs, not trusted from the plan: allocation drifts (a running
// guest grows its disk every second), so a plan carries no byte counts in its parameters. Before
// copy-data writes, the bytes the copy needs now (the source's allocation, the whole chain when it
// is flattened, less what a crashed earlier run already wrote) must fit in the target's file system.
import { existsSync, statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { VdiskError } from '../../errors/vdisk-error.js';
import type { AgentContext } from '../context.js';

export interface CopyPaths {
  sourcePath: string;
  targetPath: string;
  depth: 'flatten' | 'top';
}

export function checkRoomForCopy(ctx: AgentContext, p: CopyPaths): void {
  const needed = sourceBytes(ctx, p) - allocatedAt(p.targetPath);
  const fs = statfsSync(dirname(p.targetPath));
  const free = fs.bavail * fs.bsize;
  if (needed > free) {
    const pool = ctx.roots.rootOf(p.targetPath)?.name ?? '?';
    ctx.log('pool-full', { target: p.targetPath, needed, free });
    throw new VdiskError('E_AGENT_POOL_FULL', `pool '${pool}' has ${free} bytes free, the copy needs ${needed}`, {
      field: 'pool',
      value: pool,
    });
  }
}

/** The source's allocation now; a flatten copy reads every layer, found through the store's backing links. */
function sourceBytes(ctx: AgentContext, p: CopyPaths): number {
  if (p.depth === 'top') return allocatedAt(p.sourcePath);
  const volumes = ctx.store.data.volumes;
  let bytes = 0;
  const seen = new Set<string>();
  for (
    let v = volumes.find((x) => x.path === p.sourcePath);
    v && !seen.has(v.id);
    v = volumes.find((x) => x.id === v!.backing)
  ) {
    seen.add(v.id);
    bytes += allocatedAt(v.path);
  }
  return seen.size ? bytes : allocatedAt(p.sourcePath);
}

const allocatedAt = (path: string): number => (existsSync(path) ? statSync(path).blocks * 512 : 0);
