// Reading images to check a step's work, with the engine's read side: `verify-copy` (metadata, or
// every guest-visible byte) and `check-target` (a REUSE_EXT target opened with its stated format,
// never probed). Every layer is opened through safe-open (O_NOFOLLOW, descriptor checked in a root).
import { VdiskError } from '../errors/vdisk-error.js';
import { chainRuns, RUN } from '../engine/block-status.js';
import { openChain, type Chain } from '../engine/chain.js';
import type { Engine } from '../engine/engine.js';
import { engineBuffer, readGuest } from '../engine/reader.js';
import type { ParamsOf } from '../plan/actions.js';
import { resolveBacking } from '../plan/paths.js';
import { CheckedGate, checkedSource } from './checked-io.js';
import type { AgentContext } from './context.js';

const CHUNK = 1 << 20;

/** The image at `path` and its backing chain, each file opened and checked by safe-open. */
export async function openInRoots(ctx: AgentContext, e: Engine, path: string, format?: 'raw' | 'qcow2', noBacking = false): Promise<Chain> {
  const gate = new CheckedGate(ctx.files);
  return openChain(e, await checkedSource(ctx.files, path), { ...(format ? { format } : {}), gate, noBacking });
}

export async function verifyCopy(ctx: AgentContext, p: ParamsOf<'verify-copy'>, format: (path: string) => 'raw' | 'qcow2' | undefined, signal?: AbortSignal): Promise<void> {
  await ctx.engine.use(async (e) => {
    const src = await openInRoots(ctx, e, p.sourcePath, format(p.sourcePath));
    const dst = await openInRoots(ctx, e, p.targetPath, format(p.targetPath)).catch(async (err) => { await src.close(); throw err; });
    try {
      if (dst.size < src.size) throw mismatch(p, `its size ${dst.size} is below the source's ${src.size}`);
      if (p.mode === 'full') await compareGuest(e, src, dst, signal);
    } finally {
      await dst.close();
      await src.close();
    }
  });
}

async function compareGuest(e: Engine, a: Chain, b: Chain, signal?: AbortSignal): Promise<void> {
  const bufA = engineBuffer(e, CHUNK);
  const bufB = engineBuffer(e, CHUNK);
  try {
    for (let pos = 0; pos < a.size; pos += CHUNK) {
      signal?.throwIfAborted();
      const len = Math.min(CHUNK, a.size - pos);
      await readGuest(e, a, pos, len, bufA.ptr);
      await readGuest(e, b, pos, len, bufB.ptr);
      const x = bufA.view().subarray(0, len);
      const y = bufB.view().subarray(0, len);
      if (Buffer.compare(x, y) !== 0) throw new VdiskError('E_AGENT_VERIFY_MISMATCH', `guest data differs in [${pos}, ${pos + len})`, { offset: pos });
    }
  } finally {
    bufB.release();
    bufA.release();
  }
}

export async function checkTarget(ctx: AgentContext, p: ParamsOf<'check-target'>): Promise<void> {
  await ctx.engine.use(async (e) => {
    const t = await openInRoots(ctx, e, p.path, p.format, true).catch((err: VdiskError) => {
      throw new VdiskError('E_PLAN_REUSE_TARGET_MISMATCH', `${p.path} does not open as ${p.format}: ${err.message}`, { path: p.path });
    });
    try {
      const f = t.top.facts;
      if (f.size < p.minSize) throw new VdiskError('E_PLAN_REUSE_TARGET_MISMATCH', `${p.path} is ${f.size} bytes, below ${p.minSize}`, { path: p.path });
      const backing = f.backingName ? resolveBacking(p.path, f.backingName) : null;
      if (p.expect === 'backing' && backing !== p.backingPath) {
        throw new VdiskError('E_PLAN_TARGET_WRONG_BACKING', `${p.path} names ${backing ?? 'no backing'}, not ${p.backingPath}`, { path: p.path });
      }
      if (p.expect === 'zeros') {
        if (backing) throw new VdiskError('E_PLAN_TARGET_NOT_EMPTY', `${p.path} has a backing file`, { path: p.path });
        for await (const r of chainRuns(e, t)) {
          if ((r.flags & RUN.DATA) && !(r.flags & RUN.ZERO)) throw new VdiskError('E_PLAN_TARGET_NOT_EMPTY', `${p.path} has data at ${r.start}`, { path: p.path, offset: r.start });
        }
      }
    } finally {
      await t.close();
    }
  });
}

const mismatch = (p: ParamsOf<'verify-copy'>, why: string) =>
  new VdiskError('E_AGENT_VERIFY_MISMATCH', `${p.targetPath} does not match ${p.sourcePath}: ${why}`, { path: p.targetPath });
