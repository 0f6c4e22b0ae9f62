// repairImage: `qemu-img check -r leaks|all` (QEMU 7.2 qcow2_co_check_locked → qcow2_check_refcounts
// → check_oflag_copied, then img_check's second look). The engine's check computes every refcount the
// metadata implies; this side writes the differences, in an order where a kill at any point leaves an
// image that reads as before, with at most leaked clusters:
//   [rebuild: new refcount structure in free clusters → header switch] → refcounts raised → COPIED
//   flags cleared → refcounts lowered → COPIED flags set → dirty and corrupt bits cleared.
// fdatasync after each step. Counts (leaks-fixed, corruptions-fixed) follow qemu-img's arithmetic.
// Progress: phases 'check' (the counting pass), 'repair' (the write steps above, 6) and 'recheck'
// (img_check's second look); an abort is honoured between the steps, so it leaves what a kill there
// would: an image that reads as before, with at most leaks (E_CANCELLED).
import type { ImageTarget } from '../../io/target.js';
import type { Engine } from '../core/engine.js';
import { openLayer } from '../read/chain.js';
import {
  checkLayerDetail,
  sayMismatches,
  snapshotTableUnreadable,
  type CheckDetail,
  type CheckReport,
} from '../read/check.js';
import { engineFor, openTarget, type OpenCommon } from '../ops/open.js';
import { targetAsSource } from '../copy/reuse.js';
import { parseHeader, type ParsedHeader } from '../qcow2/parse-header.js';
import { EditRefcounts } from '../qcow2/edit-refcounts.js';
import { planRefcounts, refcountAfter, type RefcountFix } from './repair-plan.js';
import { oflagCopied } from './repair-oflag.js';
import { rebuildRefcounts } from './repair-rebuild.js';
import { discardClusters } from './repair-discard.js';
import { zeroUnalignedEntries } from './repair-zero.js';
import { metadataClusters } from './repair-overlap.js';
import { growForRefblocks } from './repair-grow.js';
import { rewriteSnapshotTable } from './repair-snapshots.js';
import { capSnapshotCount, cutSnapshotTable } from './repair-snapcount.js';
import { checkAbort, phased, type LongOp } from '../ops/progress.js';
import { H_INCOMPAT, INCOMPAT_CORRUPT, INCOMPAT_DIRTY } from '../../../assembly/qcow2/format';
import { setU64 } from '../qcow2/be64.js';
import { VdiskError } from '../../errors/vdisk-error.js';

export interface RepairOptions extends LongOp, OpenCommon {
  target: string | ImageTarget;
  /** leaks: BDRV_FIX_LEAKS; all: BDRV_FIX_LEAKS | BDRV_FIX_ERRORS. */
  mode: 'leaks' | 'all';
  /** Snapshots already cut off by capSnapshotsBeforeOpen (counted as corruptions fixed). */
  snapshotsCut?: number;
}

export async function repairImage(o: RepairOptions): Promise<CheckReport> {
  const engine = await engineFor(o);
  const t = await openTarget(o.target, { reuse: true }, o.files);
  const say = (m: string) => o.warn?.(m);
  const ph = phased(o, { check: 0.4, repair: 0.2, recheck: 0.4 });
  const checked = ph('check', 1);
  const step = ph('repair', 6);
  try {
    checked(0);
    checkAbort(o.signal);
    const h = await readHeader(t);
    if (h.incompat & 4)
      throw new VdiskError('E_WRITE_UNSUPPORTED', 'images with an external data file cannot be repaired', {
        path: t.name,
      });
    const all = o.mode === 'all';
    // Snapshots QEMU cannot keep are cut off first (header count), their clusters left to the leaks.
    let snapCut = (o.snapshotsCut ?? 0) + (await capSnapshotCount(t, h.clusterBits, all, say));
    let p1 = await pass(engine, t);
    // Too much extra data in a snapshot entry, or a table over 64 MiB, fails QEMU's read of the
    // table, except under -r all: the excess is dropped (corruptions, fixed below).
    const failed = (d: CheckDetail) => d.report.checkErrors - (all ? d.snapExtraTooBig + (d.snapDropped ? 1 : 0) : 0);
    if (failed(p1)) {
      if (!snapshotTableUnreadable(p1)) sayMismatches(p1, 'none', say);
      throw new VdiskError('E_REPAIR_FAILED', undefined, { path: t.name });
    }
    checkAbort(o.signal);
    if (all) snapCut += await cutSnapshotTable(t, p1.snapDropped, say);
    // QEMU fixes these while it counts (fix_l2_entry_by_zero): fixed first, then counted afresh.
    // A table shared by the active L1 and a snapshot is walked twice: each entry is fixed once.
    let zeroFixed = 0;
    while (all && p1.zeroFixes.length) {
      const at = [...new Set(p1.zeroFixes)];
      const meta = await metadataClusters(t, h);
      if (at.some((pos) => meta.has(Math.floor(pos / 2 ** h.clusterBits)))) {
        say('ERROR: Overlap check failed\n');
        throw new VdiskError('E_REPAIR_FAILED', 'an L2 table to repair lies on other metadata', { path: t.name });
      }
      await zeroUnalignedEntries(t, at, h.extL2);
      zeroFixed += at.length;
      p1 = await pass(engine, t);
    }
    // check_refblocks grows the file to hold a refcount block named past its end, then counts again.
    const grownFixed = o.mode === 'all' ? await growForRefblocks(t, h, grownClusters(p1)) : 0;
    if (grownFixed) p1 = await pass(engine, t);
    zeroFixed += grownFixed;
    checked(1);
    // qcow2_check_refcounts names each mismatch as it compares (no fix yet), then again as it fixes.
    sayMismatches(p1, 'none', say);
    let d = p1;
    let leaksFixed: number;
    let corruptionsFixed: number;
    let left: number; // corruptions the repair leaves (decides the clean bits)
    let leaksLeft: number;
    let plan;
    if (p1.rebuild) {
      if (o.mode === 'leaks') {
        say('ERROR need to rebuild refcount structures\n');
        throw new VdiskError('E_REPAIR_NEEDS_REBUILD', undefined, { path: t.name });
      }
      say('Rebuilding refcount structure\n');
      checkAbort(o.signal);
      await rebuildRefcounts(t, computedArray(p1), h.clusterBits, h.refcountOrder);
      d = await pass(engine, t);
      sayMismatches(d, 'leaks', say);
      plan = planRefcounts(d, false); // the old table and blocks are leaked now: free them
      left = walkCorruptions(d);
      corruptionsFixed = Math.max(0, p1.report.corruptions - p1.oflagCorruptions - p1.snapIncomplete - left);
      leaksFixed = p1.report.leaks;
      leaksLeft = plan.leaks;
    } else {
      if (p1.report.leaks || p1.report.corruptions) sayMismatches(p1, o.mode, say);
      plan = planRefcounts(p1, o.mode === 'all');
      leaksFixed = plan.lower.length;
      corruptionsFixed = plan.raise.length;
      left = walkCorruptions(p1) + plan.corruptions;
      leaksLeft = plan.leaks;
    }
    const hd = await readHeader(t);
    const after = refcountAfter(d, plan);
    const copied = o.mode === 'all' || (left === 0 && leaksLeft === 0);
    const next = (n: number) => {
      step(n);
      checkAbort(o.signal);
    };
    next(1);
    await applyRefcounts(t, hd, plan.raise);
    next(2);
    const cleared = await oflagCopied(t, hd, after, copied, 'clear');
    await t.flush();
    next(3);
    await applyRefcounts(t, hd, plan.lower);
    next(4);
    const set = await oflagCopied(t, hd, after, copied, 'set');
    await t.flush();
    next(5);
    await discardClusters(
      t,
      plan.lower.filter((f) => f.to === 0).map((f) => f.cluster),
      hd.clusterBits,
    );
    corruptionsFixed += cleared.fixed + set.fixed + zeroFixed + snapCut;
    left += cleared.left + set.left;
    // qcow2_check_fix_snapshot_table: with -r all, a table with entries to fix is written anew.
    const snap = p1.snapIncomplete + p1.snapExtraTooBig;
    if (snap && o.mode === 'all') {
      await rewriteSnapshotTable(t, hd);
      corruptionsFixed += snap;
    } else left += snap;
    if (left === 0) await markClean(t, hd);
    step(6);
    // img_check looks again once something was fixed; otherwise the repairing pass is the report.
    const again = leaksFixed + corruptionsFixed > 0;
    const rechecked = ph('recheck', again ? 1 : 0);
    rechecked(0);
    const second = again ? await pass(engine, t) : undefined;
    if (second) sayMismatches(second, 'none', say);
    const report = second ? second.report : p1.report;
    rechecked(1);
    await t.commit();
    return { ...report, leaksFixed, corruptionsFixed };
  } catch (e) {
    await t.abort();
    throw e;
  }
}

/** Corruptions found while walking the metadata (not by comparing refcounts or COPIED flags). */
function walkCorruptions(d: CheckDetail): number {
  return d.report.corruptions - d.compareCorruptions - d.oflagCorruptions - d.snapIncomplete;
}

/** Clusters QEMU's refcount array spans: the file's, or up to the furthest one the metadata uses. */
function grownClusters(d: CheckDetail): number {
  return Math.max(d.expected.length, ...d.extra.map(([k]) => k + 1));
}

/** The computed refcounts, plus the cluster at the end of the file where metadata uses it. */
function computedArray(d: CheckDetail): Uint32Array {
  const end = d.extra.find(([k]) => k === d.expected.length);
  if (!end) return d.expected;
  const a = new Uint32Array(d.expected.length + 1);
  a.set(d.expected);
  a[d.expected.length] = end[1];
  return a;
}

async function pass(engine: Engine, t: ImageTarget): Promise<CheckDetail> {
  const layer = await openLayer(engine, targetAsSource(t), 'qcow2');
  try {
    return await checkLayerDetail(engine, layer);
  } finally {
    engine.x.layerClose(layer.slot);
    engine.detachFiles(layer.slot);
  }
}

async function readHeader(t: ImageTarget): Promise<ParsedHeader> {
  const head = new Uint8Array(Math.min(t.size, 2 * 1024 * 1024));
  await t.pread!(head, 0);
  return parseHeader(head, t.name);
}

async function applyRefcounts(t: ImageTarget, h: ParsedHeader, fixes: RefcountFix[]): Promise<void> {
  if (!fixes.length) return;
  const cs = 2 ** h.clusterBits;
  const table = new Uint8Array(h.refTableClusters * cs);
  await t.pread!(table, h.refTableOffset);
  const refs = new EditRefcounts(
    t,
    h.clusterBits,
    h.refcountOrder,
    table,
    h.refTableOffset,
    Math.ceil(t.size / cs) * cs,
  );
  for (const f of fixes) await refs.add(f.cluster, f.to - f.from);
  await refs.writeDirty();
  await t.flush();
}

/** qcow2_mark_clean + qcow2_mark_consistent: incompatible bits 0 (dirty) and 1 (corrupt) cleared. */
async function markClean(t: ImageTarget, h: ParsedHeader): Promise<void> {
  const bits = INCOMPAT_DIRTY | INCOMPAT_CORRUPT;
  if (h.version !== 3 || (h.incompat & bits) === 0) return;
  const b = new Uint8Array(8);
  setU64(new DataView(b.buffer), 0, h.incompat - (h.incompat & bits));
  await t.pwrite(b, H_INCOMPAT);
  await t.flush();
}
