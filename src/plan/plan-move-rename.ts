// An offline move within one file system (validate-move.ts decides, move-rename-check.ts says when):
// flush every layer, then one rename-volumes step moves the files and their records, all or none.
// Nothing is copied, verified or deleted: the inode is the same, so there is nothing to compare and
// no old copy to remove. Its undo renames back.
import type { StepList } from './builder.js';
import type { MoveFacts } from './validate-move.js';

export function addRenameMove(list: StepList, f: MoveFacts): void {
  for (const c of f.copies) {
    list.add(
      { action: 'flush-volume', params: { volume: c.source.id, path: c.source.path } },
      { label: `flush ${c.source.path} to disk` },
    );
  }
  const moves = f.copies.map((c) => ({
    volume: c.source.id,
    pool: f.pool.id,
    fromPath: c.source.path,
    toPath: c.target.path,
  }));
  const back = f.copies.map((c) => ({
    volume: c.source.id,
    pool: c.source.pool,
    fromPath: c.target.path,
    toPath: c.source.path,
  }));
  list.add(
    { action: 'rename-volumes', params: { moves } },
    {
      label: `rename ${moves.map((m) => m.fromPath).join(', ')} into pool ${f.pool.id} (same file system: no data moves)`,
      phase: 'commit',
      undo: [{ action: 'rename-volumes', params: { moves: back } }],
    },
  );
}
