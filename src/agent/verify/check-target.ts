// check-target: a REUSE_EXT target is judged by what it reads, not by its name. It must open with
// its stated format (never probed) and hold the source's virtual size; then
// - `backing` (REUSE_EXT|SHALLOW, or the top of a keep-chain copy): its backing opens, is the very
//   file the plan names (same device and inode), and its own layer allocates nothing that reads
//   differently from that backing — stray data there would survive `sync: top` and hide the
//   backing after the pivot;
// - `zeros` (REUSE_EXT full): no backing, and nothing allocated reads non-zero.
// Refusals name the first offending guest offset.
import { statSync } from 'node:fs';
import { VdiskError } from '../../errors/vdisk-error.js';
import type { ParamsOf } from '../../plan/actions.js';
import type { AgentContext } from '../context.js';
import { openInRoots } from './verify.js';
import { guestReader } from './verify-reads.js';
import { hasData, topAllocated, walkSpans, type RunTest } from './verify-ranges.js';

type Params = ParamsOf<'check-target'>;

export async function checkTarget(ctx: AgentContext, p: Params, signal?: AbortSignal): Promise<void> {
  await ctx.engine.use(async (e) => {
    const t = await openInRoots(ctx, e, p.path, p.format, p.expect === 'zeros').catch((err: VdiskError) => {
      if (p.expect === 'backing' && err.code?.startsWith('E_BACKING'))
        throw wrongBacking(p, 'its backing does not open');
      throw new VdiskError('E_PLAN_REUSE_TARGET_MISMATCH', `${p.path} does not open as ${p.format}: ${err.message}`, {
        path: p.path,
      });
    });
    const reader = guestReader(e);
    try {
      const f = t.top.facts;
      if (f.size < p.minSize)
        throw new VdiskError('E_PLAN_REUSE_TARGET_MISMATCH', `${p.path} is ${f.size} bytes, below ${p.minSize}`, {
          path: p.path,
        });
      const only = (test: RunTest) => [test, test] as [RunTest, RunTest];
      if (p.expect === 'zeros') {
        if (f.backingName)
          throw new VdiskError('E_PLAN_TARGET_NOT_EMPTY', `${p.path} has a backing file`, { path: p.path });
        await walkSpans(
          e,
          t,
          t,
          t.size,
          only(hasData),
          (s) => s,
          async (span) => {
            const at = await reader.firstNonZero(t, span, signal);
            if (at >= 0)
              throw new VdiskError('E_PLAN_TARGET_NOT_EMPTY', `${p.path} reads non-zero at offset ${at}`, {
                path: p.path,
                offset: at,
              });
          },
          signal,
        );
        return;
      }
      const below = t.layers[1];
      if (!below || !p.backingPath || !sameFile(below.resolved ?? below.source.name, p.backingPath)) {
        throw wrongBacking(p, below ? 'its backing is another file' : 'it names no backing file');
      }
      const backing = await openInRoots(ctx, e, p.backingPath, below.facts.format);
      try {
        await walkSpans(
          e,
          t,
          t,
          t.size,
          only(topAllocated),
          (s) => s,
          async (span) => {
            // Past the backing's end the target must read zeros, as a read through the backing would.
            const cut = Math.min(span[1], Math.max(span[0], backing.size));
            let at = cut > span[0] ? await reader.firstDifference(t, backing, [span[0], cut], signal) : -1;
            if (at < 0 && cut < span[1]) at = await reader.firstNonZero(t, [cut, span[1]], signal);
            if (at >= 0) {
              throw new VdiskError(
                'E_PLAN_TARGET_STRAY_DATA',
                `${p.path} holds its own data at offset ${at}, which hides its backing`,
                { path: p.path, offset: at },
              );
            }
          },
          signal,
        );
      } finally {
        await backing.close();
      }
    } finally {
      reader.release();
      await t.close();
    }
  });
}

/** Both names name the same file (device and inode). */
export function sameFile(a: string, b: string): boolean {
  const x = statSync(a, { throwIfNoEntry: false });
  const y = statSync(b, { throwIfNoEntry: false });
  return !!x && !!y && x.dev === y.dev && x.ino === y.ino;
}

const wrongBacking = (p: Params, why: string) =>
  new VdiskError('E_PLAN_TARGET_WRONG_BACKING', `${p.path}: ${why}, not ${p.backingPath ?? 'the source backing'}`, {
    path: p.path,
  });
