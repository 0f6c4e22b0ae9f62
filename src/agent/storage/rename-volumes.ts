// The rename-volumes step: an offline move within one mount (src/plan/plan-move-rename.ts). All or
// none, as the plan counts on: each source is opened and checked (O_NOFOLLOW, a regular file of one
// link, no running VM has it, flock held) and its inode journaled before anything moves; the renames
// never replace a file; the records follow under the store lock, ILLEGAL until every file is in place
// (a scan after a crash then keeps them). A failure renames back what moved. Run again after a crash,
// the journaled inodes say which files moved: one found at its new name is not moved twice, and a
// file that is neither where it was nor where it goes, or another inode in either place, stops it.
import { lstat, open, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { VdiskError } from '../../errors/vdisk-error.js';
import type { ParamsOf } from '../../plan/actions.js';
import type { InventoryOp } from '../../plan/inventory-ops.js';
import type { AgentContext } from '../context.js';
import { now, type RenamedFile } from '../jobs/journal.js';
import { renameNoReplace } from './rename-noreplace.js';
import { withImageLock } from './write-guard.js';

type Moves = ParamsOf<'rename-volumes'>['moves'];

export interface RenameCall {
  job: string;
  call: string;
  marker: string;
}

export async function renameVolumes(ctx: AgentContext, moves: Moves, c: RenameCall): Promise<void> {
  for (const m of moves) for (const p of [m.fromPath, m.toPath]) ctx.roots.resolve(p);
  const files = journaled(ctx, c) ?? (await identify(ctx, moves, c));
  await ctx.storeLock.run(async () => {
    const todo = await Promise.all(files.map(whereIs)); // every conflict found before anything changes
    record(ctx, moves, 'illegal', `${c.marker}:before`);
    const done: RenamedFile[] = [];
    try {
      for (const [i, f] of files.entries()) {
        if (todo[i] === 'at-both') await unlink(f.from); // the link(2) fallback stopped between link and unlink
        if (todo[i] !== 'at-from') continue;
        await renameNoReplace(f.from, f.to);
        done.push(f);
      }
    } catch (e) {
      for (const f of done.reverse()) await renameNoReplace(f.to, f.from).catch(() => undefined);
      // No journaled file left at its new name: the records go back. Otherwise they stay ILLEGAL there.
      const back = moves.map((m) => ({ ...m, fromPath: m.toPath, toPath: m.fromPath, pool: poolOf(ctx, m.fromPath) }));
      if (!(await anyAt(files))) record(ctx, back, 'ok', `${c.marker}:undone`);
      throw e;
    } finally {
      await syncDirs(files);
    }
    record(ctx, moves, 'ok', `${c.marker}:after`);
  });
}

/** The inodes journaled by an earlier run of this call (it was in flight when the agent stopped). */
function journaled(ctx: AgentContext, c: RenameCall): RenamedFile[] | undefined {
  const r = ctx.journal.records.find((x) => x.t === 'rename' && x.job === c.job && x.call === c.call);
  return r?.t === 'rename' ? r.files : undefined;
}

/** Opens and checks every source, then journals what it found (fsync'd) before any rename. */
async function identify(ctx: AgentContext, moves: Moves, c: RenameCall): Promise<RenamedFile[]> {
  const files: RenamedFile[] = [];
  for (const m of moves) {
    await withImageLock(ctx, m.fromPath, async () => {
      const f = await ctx.files.open(m.fromPath, 'delete'); // a regular file, one link, not a symlink
      try {
        files.push({ from: m.fromPath, to: m.toPath, dev: f.stat.dev, ino: f.stat.ino });
      } finally {
        await f.handle.close();
      }
    });
  }
  ctx.journal.append({ t: 'rename', job: c.job, call: c.call, files, at: now() });
  return files;
}

type Where = 'at-from' | 'at-to' | 'at-both';

/** Where the journaled inode is now; anything else (not there, another file in either place) is a conflict. */
async function whereIs(f: RenamedFile): Promise<Where> {
  const [src, dst] = await Promise.all([inode(f.from), inode(f.to)]);
  const ours = (s: { dev: number; ino: number } | null) => s !== null && s.dev === f.dev && s.ino === f.ino;
  if (ours(dst)) return ours(src) ? 'at-both' : 'at-to';
  if (ours(src) && dst === null) return 'at-from';
  throw new VdiskError(
    'E_AGENT_RENAME_CONFLICT',
    `${f.from} is not the file this job checked, or ${f.to} is taken: nothing more is renamed`,
    { path: f.from },
  );
}

async function inode(path: string): Promise<{ dev: number; ino: number } | null> {
  try {
    const s = await lstat(path);
    return s.isFile() ? { dev: s.dev, ino: s.ino } : { dev: -1, ino: -1 };
  } catch {
    return null;
  }
}

async function anyAt(files: RenamedFile[]): Promise<boolean> {
  for (const f of files) {
    const s = await inode(f.to);
    if (s && s.ino === f.ino && s.dev === f.dev) return true;
  }
  return false;
}

function poolOf(ctx: AgentContext, path: string): string {
  return ctx.roots.rootOf(path)?.name ?? '?';
}

/** The records follow the files: relocated and in `state`, once per marker (a replay applies nothing). */
function record(ctx: AgentContext, moves: Moves, state: 'ok' | 'illegal', marker: string): void {
  const d = ctx.store.data;
  const ops: InventoryOp[] = moves.flatMap((m) => [
    { op: 'relocate', volume: m.volume, pool: m.pool, path: m.toPath },
    { op: 'set-state', volume: m.volume, state },
  ]);
  try {
    ctx.store.apply({ hosts: [], pools: [], volumes: d.volumes, vms: d.vms, snapshots: d.snapshots }, ops, marker);
  } finally {
    ctx.inventory.invalidate();
  }
}

/** A rename is durable once both directories are on disk. */
async function syncDirs(files: RenamedFile[]): Promise<void> {
  for (const dir of new Set(files.flatMap((f) => [dirname(f.from), dirname(f.to)]))) {
    const h = await open(dir, 'r').catch(() => null);
    await h?.sync().catch(() => undefined);
    await h?.close();
  }
}
