// The offline steps: image files created, copied, merged, checked and removed on this host through
// the engine (never qemu-img), each one safe to run again after a crash. Writes go through the write
// guard (roots, no running VM has the file open, flock held); every file is opened through
// safe-open and used through its checked descriptor (mode and owner too), never by name again.
import type { FileCall } from '../../plan/file-call.js';
import { checkedTarget } from './checked-io.js';
import type { AgentContext } from '../context.js';
import { commitInto, convert, createEmpty, rebaseUnsafe, type Progress } from './engine-write.js';
import { checkTarget } from '../verify/check-target.js';
import { verifyCopy } from '../verify/verify-copy.js';
import { checkRoomForCopy } from './space-check.js';
import { removeFile, wipeFile } from './wipe.js';
import { withImageLock } from './write-guard.js';
import { applyOwner } from './owner.js';

export interface FileStepOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /** Registers or forgets a volume record (create-volume, delete-volume). */
  record: (call: FileCall) => Promise<void>;
}

export async function runFileStep(ctx: AgentContext, call: FileCall, o: FileStepOptions): Promise<void> {
  const format = (path: string) => formatOf(ctx, path);
  const progress = (p: Progress) => o.onProgress?.(p.total > 0 ? p.done / p.total : 0);
  const long = { signal: o.signal, onProgress: progress };
  switch (call.action) {
    case 'create-volume': {
      const v = call.params.volume;
      await o.record(call); // the record first: a scan between the two finds the file already named
      await withImageLock(ctx, v.path, async () => {
        const backing = v.backingName
          ? { name: v.backingName, format: call.params.backingFormat ?? v.format }
          : undefined;
        // A half-made file from a crashed run of this step is replaced by the rename (overwrite).
        const target = await checkedTarget(ctx.files, v.path, {
          overwrite: true,
          prepare: async (h) => {
            await h.chmod(parseInt(v.mode, 8));
            applyOwner(v.path, v.owner, ctx.log, h.fd);
          },
        });
        await createEmpty(ctx.files, {
          target,
          targetFormat: v.format,
          size: v.virtualSize,
          ...(backing ? { backing } : {}),
        });
      });
      return;
    }
    case 'copy-data': {
      const p = call.params;
      await withImageLock(ctx, p.targetPath, async () => {
        checkRoomForCopy(ctx, p);
        const tf = format(p.targetPath) ?? 'qcow2';
        const backing = p.depth === 'top' ? backingOf(ctx, p.targetPath) : undefined;
        await convert(ctx.files, {
          ...long,
          source: p.sourcePath,
          sourceFormat: format(p.sourcePath),
          target: p.targetPath,
          targetFormat: tf,
          reuseTarget: true,
          ...(backing ? { backing } : {}),
        });
      });
      return;
    }
    case 'flush-volume': {
      const f = await ctx.files.open(call.params.path, 'read');
      try {
        await f.handle.sync();
      } finally {
        await f.handle.close();
      }
      return;
    }
    case 'verify-copy':
      return verifyCopy(ctx, call.params, format, o.signal);
    case 'check-target':
      return checkTarget(ctx, call.params, o.signal);
    case 'commit-offline': {
      const p = call.params;
      await withImageLock(ctx, p.basePath, async () => {
        await commitInto(ctx.files, { ...long, image: p.topPath, format: format(p.topPath), base: p.basePath });
      });
      return;
    }
    case 'rebase-offline': {
      const p = call.params;
      await withImageLock(ctx, p.path, async () => {
        await rebaseUnsafe(ctx.files, {
          image: p.path,
          format: format(p.path),
          backing: { name: p.backingName, format: p.backingFormat },
        });
      });
      return;
    }
    case 'delete-volume':
      await withImageLock(ctx, call.params.path, () => removeFile(ctx.files, call.params.path));
      await o.record(call);
      return;
    case 'delete-file':
      await withImageLock(ctx, call.params.path, async () => {
        if (call.params.wipe) await wipeFile(ctx.files, call.params.path);
        else await removeFile(ctx.files, call.params.path);
      });
      return;
  }
}

function formatOf(ctx: AgentContext, path: string): 'raw' | 'qcow2' | undefined {
  return ctx.store.data.volumes.find((v) => v.path === path)?.format;
}

/** -B/-F of a top-only copy: the backing the target's record names (format stated, never probed). */
function backingOf(ctx: AgentContext, targetPath: string): { name: string; format: 'raw' | 'qcow2' } | undefined {
  const t = ctx.store.data.volumes.find((v) => v.path === targetPath);
  const b = t?.backing ? ctx.store.data.volumes.find((v) => v.id === t.backing) : undefined;
  if (!t?.backingName || !b) return undefined;
  return { name: t.backingName, format: b.format };
}
