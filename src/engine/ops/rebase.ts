// rebaseImage: qemu-img rebase. Unsafe (-u) rewrites the backing name and format only. Safe rebase
// first copies into the image every cluster it does not allocate whose content differs between the
// old and the new backing chain (read through both, compared cluster by cluster), then switches the
// header: before the switch the copied clusters hold what the old chain shows, after it the new
// chain plus those clusters shows the same, so an interruption never changes what the image reads.
import type { ImageFormat } from '../read/gate.js';
import type { Engine } from '../core/engine.js';
import { E_NO_MEMORY } from '../core/codes.js';
import type { Chain } from '../read/chain.js';
import { readGuest } from '../read/reader.js';
import { Aligner } from '../copy/aligner.js';
import { sourceRuns } from '../copy/source-runs.js';
import { Qcow2Editor } from '../qcow2/editor.js';
import { engineFor, filesFor, openSourceChain, openTarget, refuseDirty, type OpenCommon } from './open.js';
import { checkAbort, reporter, type LongOp } from './progress.js';
import { VdiskError } from '../../errors/vdisk-error.js';

export interface RebaseOptions extends LongOp, OpenCommon {
  image: string;
  format?: ImageFormat;
  /** The new backing file (name as it will be recorded, relative to the image), or null for none. */
  backing: { name: string; format: ImageFormat } | null;
  unsafe?: boolean;
  chunkSize?: number;
}

export async function rebaseImage(o: RebaseOptions): Promise<{ bytesRead: number; bytesWritten: number }> {
  const engine = await engineFor(o);
  const result = { bytesRead: 0, bytesWritten: 0 };
  const chain = o.unsafe ? undefined : await openSourceChain(engine, o.image, o.format, o);
  let next: Chain | undefined;
  try {
    if (chain) refuseDirty(chain, o.image);
    if (chain && chain.top.facts.format !== 'qcow2')
      throw new VdiskError('E_WRITE_UNSUPPORTED', 'only qcow2 images have a backing file', { path: o.image });
    if (chain && o.backing) {
      const name = filesFor(o.files, o.image).resolve(o.backing.name, o.image);
      next = await openSourceChain(engine, name, o.backing.format, o);
    }
    const target = await openTarget(o.image, { reuse: true }, o.files);
    try {
      const ed = await Qcow2Editor.open(target);
      if (chain) await copyDiffering(engine, chain, next, ed, o, result);
      ed.h.backing = o.backing ? { name: o.backing.name, format: o.backing.format } : undefined;
      ed.headerDirty = true;
      await ed.flush();
    } finally {
      await target.commit();
    }
  } finally {
    await next?.close();
    await chain?.close();
  }
  return result;
}

async function copyDiffering(
  engine: Engine,
  chain: Chain,
  next: Chain | undefined,
  ed: Qcow2Editor,
  o: RebaseOptions,
  result: { bytesRead: number; bytesWritten: number },
): Promise<void> {
  const cs = ed.cs;
  const size = chain.size;
  const chunk = Math.max(cs, Math.floor((o.chunkSize ?? 4 << 20) / cs) * cs);
  const a = engine.x.alloc(chunk);
  const b = engine.x.alloc(chunk);
  if (!a || !b) throw engine.error(E_NO_MEMORY);
  const progress = reporter(o, 'rebase', size);
  try {
    const aligner = new Aligner(cs, size, false);
    const handle = async (start: number, end: number) => {
      for (let at = start; at < end; at += chunk) {
        checkAbort(o.signal);
        const len = Math.min(chunk, end - at);
        await readGuest(engine, chain, at, len, a);
        const nlen = next ? Math.max(0, Math.min(len, next.size - at)) : 0;
        if (nlen > 0) await readGuest(engine, next!, at, nlen, b);
        engine.bytes().fill(0, b + nlen, b + chunk);
        result.bytesRead += len + nlen;
        for (let off = 0; off < len; off += cs) {
          const n = Math.min(cs, len - off);
          const mem = engine.bytes();
          const old = mem.subarray(a + off, a + off + n);
          if (Buffer.compare(old, mem.subarray(b + off, b + off + n)) === 0) continue;
          const cluster = new Uint8Array(cs);
          cluster.set(old);
          await ed.writeCluster((at + off) / cs, cluster);
          result.bytesWritten += cs;
        }
        progress(at + len);
      }
    };
    // Clusters the image allocates itself are kept; the rest ('hole' for a shallow view) are compared.
    for await (const r of sourceRuns(engine, chain, 1)) {
      aligner.push(r.start, r.end, r.kind === 'hole' ? 'copy' : 'hole');
      for (const op of aligner.take()) if (op.kind === 'copy') await handle(op.start, op.end);
    }
    for (const op of aligner.finish()) if (op.kind === 'copy') await handle(op.start, op.end);
    progress(size); // clusters the image allocates itself were skipped, not reported
  } finally {
    engine.x.free(a, chunk);
    engine.x.free(b, chunk);
  }
}
