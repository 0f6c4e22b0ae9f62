// Free space is checked when a copy runs, not trusted from the plan: allocation drifts (a running
// guest grows its disk every second), so a plan carries no byte counts in its parameters. Before
// copy-data writes, the bytes the copy needs now (the source's allocation, the whole chain when it
// is flattened, less what a crashed earlier run already wrote) must fit in the target's file system;
// when source and target lie on one reflink file system the engine shares the extents, and only the
// metadata headroom the planner counts (src/plan/pool-fs.ts) must fit.
import { existsSync, statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { VdiskError } from '../../errors/vdisk-error.js';
import type { Format, Volume } from '../../plan/inventory.js';
import { roomForCopy, sharesExtents } from '../../plan/pool-fs.js';
import type { AgentContext } from '../context.js';
import { poolFs } from './pool-fs.js';

export interface CopyPaths {
  sourcePath: string;
  targetPath: string;
  depth: 'flatten' | 'top';
}

export function checkRoomForCopy(ctx: AgentContext, p: CopyPaths): void {
  const read = sourceFiles(ctx, p);
  const bytes = read.reduce((n, f) => n + allocatedAt(f.path), 0);
  const target = ctx.store.data.volumes.find((v) => v.path === p.targetPath)?.format ?? 'qcow2';
  const fsOf = (path: string) => {
    const dir = ctx.roots.rootOf(path)?.dir;
    return { fs: dir ? poolFs(dir) : undefined };
  };
  const formats = read.map((f) => f.format ?? 'raw'); // unknown reads as raw: never promised into qcow2
  const shared = sharesExtents(
    fsOf(p.targetPath),
    read.map((f) => fsOf(f.path)),
    formats,
    target,
  );
  const needed = roomForCopy(bytes, shared) - allocatedAt(p.targetPath);
  const fs = statfsSync(dirname(p.targetPath));
  const free = fs.bavail * fs.bsize;
  if (needed > free) {
    const pool = ctx.roots.rootOf(p.targetPath)?.name ?? '?';
    ctx.log('pool-full', { target: p.targetPath, needed, free, shared });
    throw new VdiskError('E_AGENT_POOL_FULL', `pool '${pool}' has ${free} bytes free, the copy needs ${needed}`, {
      field: 'pool',
      value: pool,
    });
  }
}

/** The files the copy reads now: the source, or every layer of a flattened chain (the store's backing links). */
function sourceFiles(ctx: AgentContext, p: CopyPaths): { path: string; format?: Format }[] {
  const volumes = ctx.store.data.volumes;
  const first = volumes.find((x) => x.path === p.sourcePath);
  if (!first) return [{ path: p.sourcePath }];
  if (p.depth === 'top') return [first];
  const out: Volume[] = [];
  for (let v: Volume | undefined = first; v && !out.includes(v); v = volumes.find((x) => x.id === v!.backing))
    out.push(v);
  return out;
}

const allocatedAt = (path: string): number => (existsSync(path) ? statSync(path).blocks * 512 : 0);
