// verify-copy: is the new image the source's copy? Every mode checks the header facts first — the
// target opens with its stated format, its virtual size holds the source's, and its backing chain
// has the shape the copy promised (none for a flattened copy; for a top-only copy, as many layers
// as the source, each of the same format and size, each resolving to the file the agent's records
// of the plan's volumes name: device and inode). Then:
// - `metadata`, offline: the guest-visible allocation maps agree — every range the source has data in
//   is data in the target too (a top-only copy besides: every range the source's top layer allocates,
//   zero clusters included, is allocated in the target's top), unless a read of both shows the same
//   bytes there (the copy turned a zero-filled block into a hole);
// - `metadata`, live (a running VM has the source open for writing): the VM's mirror is READY with no
//   error, and header facts only, since the guest changes the maps under any deeper check (the pivot
//   that follows checks READY again);
// - `full`: guest data compared wherever either side has data; holes and zero runs on both sides
//   are never read, so a sparse disk costs its data, not its size.
import { VdiskError } from '../../errors/vdisk-error.js';
import type { Chain } from '../../engine/read/chain.js';
import type { ParamsOf } from '../../plan/actions.js';
import { sameFile } from './check-target.js';
import type { AgentContext } from '../context.js';
import { openInRoots } from './verify.js';
import { guestReader } from './verify-reads.js';
import { hasData, minus, topAllocated, union, walkSpans, type RunTest } from './verify-ranges.js';
import { queryJobs } from '../../qmp/jobs.js';
import { readVmGraph } from '../vm/vm-graph.js';

type Params = ParamsOf<'verify-copy'>;

export async function verifyCopy(
  ctx: AgentContext,
  p: Params,
  format: (path: string) => 'raw' | 'qcow2' | undefined,
  signal?: AbortSignal,
): Promise<void> {
  const live = await openByVm(ctx, p.sourcePath);
  if (live && p.mode === 'metadata') await mirrorsReady(ctx, live, p);
  await ctx.engine.use(async (e) => {
    const src = await openInRoots(ctx, e, p.sourcePath, format(p.sourcePath));
    const dst = await openInRoots(ctx, e, p.targetPath, format(p.targetPath)).catch(async (err) => {
      await src.close();
      throw err;
    });
    try {
      checkHeaders(p, src, dst, plannedBackings(ctx, p.target));
      if (live && p.mode === 'metadata') return;
      // A top-only copy must allocate what the source's top allocates, and (second pass) must not
      // read as zero or hole where the source's guest view has data: a zero cluster is allocated too.
      const both = (t: RunTest): [RunTest, RunTest] => [t, t];
      const passes = p.mode === 'metadata' && p.depth === 'top' ? [both(topAllocated), both(hasData)] : [both(hasData)];
      const pick = p.mode === 'full' ? union : minus;
      const reader = guestReader(e);
      try {
        for (const tests of passes) {
          await walkSpans(
            e,
            src,
            dst,
            src.size,
            tests,
            pick,
            async (span) => {
              const at = await reader.firstDifference(src, dst, span, signal);
              if (at >= 0) throw mismatch(p, `guest data differs at offset ${at}`, at);
            },
            signal,
          );
        }
      } finally {
        reader.release();
      }
    } finally {
      await dst.close();
      await src.close();
    }
  });
}

function checkHeaders(p: Params, src: Chain, dst: Chain, planned: string[]): void {
  if (dst.size < src.size) throw mismatch(p, `its virtual size ${dst.size} is below the source's ${src.size}`);
  if (p.depth === 'flatten') {
    if (dst.layers.length !== 1) throw mismatch(p, 'a flattened copy names a backing file');
    return;
  }
  if (dst.layers.length !== src.layers.length) {
    throw mismatch(p, `its backing chain has ${dst.layers.length} layers, the source's ${src.layers.length}`);
  }
  for (let i = 1; i < src.layers.length; i++) {
    const a = src.layers[i]!.facts;
    const b = dst.layers[i]!.facts;
    if (a.format !== b.format || a.size !== b.size) {
      throw mismatch(
        p,
        `backing layer ${i} is ${b.format} of ${b.size} bytes, the source's is ${a.format} of ${a.size} bytes`,
      );
    }
    const want = planned[i - 1];
    if (want !== undefined && !sameFile(dst.layers[i]!.resolved ?? dst.layers[i]!.source.name, want)) {
      throw mismatch(p, `backing layer ${i} resolves to another file than the plan's`);
    }
  }
}

/**
 * The files the target's backing layers must be, top-down, from the agent's own records of the plan's
 * volumes (a shallow clone: the source's backing; a keep-chain copy: the copied lower layers). Empty
 * when the target has no record (nothing to hold it to beyond the source's shape).
 */
function plannedBackings(ctx: AgentContext, target: string): string[] {
  const vols = ctx.store.data.volumes;
  const out: string[] = [];
  let rec = vols.find((v) => v.id === target);
  while (rec?.backing && out.length < 64) {
    const id: string = rec.backing;
    rec = vols.find((v) => v.id === id);
    if (rec) out.push(rec.path);
  }
  return out;
}

/** Live: the VM's mirror (the move holds the VM, so it is this move's) is READY and reports no error. */
async function mirrorsReady(ctx: AgentContext, vm: string, p: Params): Promise<void> {
  const mirrors = (await queryJobs(await ctx.vms.session(vm))).filter((j) => j.type === 'mirror');
  if (!mirrors.length) throw mismatch(p, 'no mirror job runs into it');
  for (const j of mirrors) {
    if (j.status !== 'ready' || j.error)
      throw mismatch(p, `mirror job ${j.id} is ${j.status}${j.error ? ` (${j.error})` : ''}, not ready`);
  }
}

/**
 * The running VM that holds the file open for writing (its guest, or a job, may change it right
 * now). A backing layer QEMU holds read-only (the lower layers a live keep-chain move copies offline)
 * does not change: its copy gets the offline checks.
 */
async function openByVm(ctx: AgentContext, path: string): Promise<string | undefined> {
  for (const vm of ctx.vms.names) {
    const graph = await ctx.vms
      .session(vm)
      .then(readVmGraph)
      .catch(() => undefined);
    if (!graph?.openFiles.includes(path)) continue;
    // The format node's read-only flag says it (a file node opened auto-read-only reports writable).
    const layers = graph.devices.flatMap((d) => d.layers.filter((l) => l.path === path));
    if (!layers.length || layers.some((l) => !l.readOnly)) return vm;
  }
  return undefined;
}

const mismatch = (p: Params, why: string, offset?: number) =>
  new VdiskError('E_AGENT_VERIFY_MISMATCH', `${p.targetPath} does not match ${p.sourcePath}: ${why}`, {
    path: p.targetPath,
    ...(offset !== undefined ? { offset } : {}),
  });
