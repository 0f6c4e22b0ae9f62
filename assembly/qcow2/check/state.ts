// State of one `check` run (QEMU block/qcow2-refcount.c qcow2_check_refcounts): the refcounts the
// metadata implies ("expected", QEMU's in-memory refcount_table) and the ones stored on disk, one u32
// per host cluster of the file, plus the counters of BdrvCheckResult. One run at a time.
import { allocPages, freePages } from '../../mem/pages';

export const ERR: u32 = 0xffffffff;  // stored refcount unreadable (qcow2_get_refcount failed)
export const SAT: u32 = 0xfffffffe;  // stored refcounts saturate here
const EXTRA_MAX: i32 = 1024;          // distinct referenced clusters past the end of the file

export let nbClusters: u64 = 0;       // size_to_clusters(file size)
export let expected: usize = 0;
export let stored: usize = 0;
export let refMax: u64 = 0;           // s->refcount_max
export let clusterBits: u32 = 0;
export let checkErrors: u64 = 0;
export let corruptions: u64 = 0;
export let leaks: u64 = 0;
export let allocated: u64 = 0;
export let fragmented: u64 = 0;
export let compressed: u64 = 0;
export let highest: u64 = 0;
// For `check -r` (write side): the split of the corruptions by where QEMU counts them, and whether
// the refcount structure needs a rebuild (qcow2-refcount.c: compare_refcounts, check_refblocks).
export let compareCorruptions: u64 = 0;
export let oflagCorruptions: u64 = 0;
export let rebuild: bool = false;
// qcow2_check_read_snapshot_table's findings (QEMU counts them apart, in snapshot_res): v3 entries
// with less than 16 bytes of extra data (corruptions), entries with more than 1 KiB (a failed read,
// i.e. a check error, unless -r all drops the excess: then a corruption).
export let snapIncomplete: u64 = 0;
export let snapExtraTooBig: u64 = 0;
export let snapDropped: u64 = 0;  // entries past QEMU's 64 MiB table limit (that one included)
// Clusters past the end of the file that metadata points at (QEMU grows its array to reach them).
const extraIdx = memory.data(EXTRA_MAX * 8, 16);
const extraCnt = memory.data(EXTRA_MAX * 4, 16);
export let nExtra: i32 = 0;
// L2 entries a `check -r all` rewrites (QEMU check_refcounts_l2 → fix_l2_entry_by_zero): zero clusters
// whose preallocated offset is not cluster aligned. File offsets of the entries; at most FIX_MAX per
// run (the repair runs the check again until none is left).
export const FIX_MAX: i32 = 1024;
const fixPos = memory.data(FIX_MAX * 8, 16);
export let nFix: i32 = 0;
export let nFixSeen: u64 = 0;
// Findings QEMU's check prints on stderr beside the refcount mismatches, in the order found (at most
// EVENT_MAX): 1 a region exceeding the end of the file by a cluster or more (offset, size),
// 2 OFLAG_COPIED wrong on an L2 table (l1 index, l1 entry, refcount), 3 on a data cluster (l2 entry,
// refcount); 4 an L2 table not cluster aligned (offset), 5 a data cluster not aligned (offset),
// 6 a refcount block not aligned (reftable index), 7 a preallocated zero cluster not aligned
// (offset). Four u64 per event: kind, a, b, c.
export const EVENT_MAX: i32 = 1024;
const events = memory.data(EVENT_MAX * 32, 16);
export let nEvents: i32 = 0;
let fileBytes: u64 = 0;

/** Allocates both arrays; false when memory is short. */
export function stateInit(fileSize: u64, bits: u32, order: u32): bool {
  stateFree();
  clusterBits = bits;
  fileBytes = fileSize;
  nEvents = 0;
  nbClusters = (fileSize + ((<u64>1) << bits) - 1) >> bits;
  refMax = order == 6 ? 0xffffffffffffffff : ((<u64>1) << ((<u64>1) << order)) - 1;
  const bytes = nbClusters * 4;
  expected = allocPages(bytes);
  stored = allocPages(bytes);
  if (expected == 0 || stored == 0) { stateFree(); return false; }
  memory.fill(expected, 0, <usize>bytes);
  memory.fill(stored, 0, <usize>bytes);
  checkErrors = 0; corruptions = 0; leaks = 0; nFix = 0; nFixSeen = 0;
  allocated = 0; fragmented = 0; compressed = 0; highest = 0; nExtra = 0;
  compareCorruptions = 0; oflagCorruptions = 0; rebuild = false; snapIncomplete = 0; snapExtraTooBig = 0; snapDropped = 0;
  return true;
}

export function stateFree(): void {
  if (expected != 0) freePages(expected, nbClusters * 4);
  if (stored != 0) freePages(stored, nbClusters * 4);
  expected = 0;
  stored = 0;
}

export function addCorruption(): void { corruptions++; }
/** A corruption check_oflag_copied finds (counted apart: a repair redoes that check afterwards). */
export function addOflagCorruption(): void { corruptions++; oflagCorruptions++; }
export function needRebuild(): void { rebuild = true; }
export function addSnapIncomplete(): void { corruptions++; snapIncomplete++; }
export function addSnapExtraTooBig(): void { checkErrors++; snapExtraTooBig++; }
export function addSnapDropped(n: u64): void { checkErrors++; snapDropped = n; }
/** Records the file offset of an L2 entry that `-r all` turns into a plain zero cluster. */
export function addZeroFix(pos: u64): void {
  nFixSeen++;
  if (nFix < FIX_MAX) { store<u64>(fixPos + (<usize>nFix << 3), pos); nFix++; }
}
export function zeroFixAt(i: i32): u64 { return i >= 0 && i < nFix ? load<u64>(fixPos + (<usize>i << 3)) : 0; }
/** Extra (past the end of the file) cluster i: its index (field 0) or computed refcount (field 1). */
export function extraAt(i: i32, field: i32): u64 {
  if (i < 0 || i >= nExtra) return 0;
  return field == 0 ? load<u64>(extraIdx + (<usize>i << 3)) : <u64>load<u32>(extraCnt + (<usize>i << 2));
}
export function addEvent(kind: u64, a: u64, b: u64, c: u64): void {
  if (nEvents >= EVENT_MAX) return;
  const p = events + (<usize>nEvents << 5);
  store<u64>(p, kind); store<u64>(p + 8, a); store<u64>(p + 16, b); store<u64>(p + 24, c);
  nEvents++;
}
/** Field 0..3 (kind, a, b, c) of event i. */
export function eventAt(i: i32, field: i32): u64 {
  return i >= 0 && i < nEvents && field >= 0 && field < 4 ? load<u64>(events + (<usize>i << 5) + (<usize>field << 3)) : 0;
}
export function addFrag(alloc: u64, frag: u64, comp: u64): void { allocated += alloc; fragmented += frag; compressed += comp; }

/** The computed refcount of cluster k. */
export function expectedAt(k: u64): u64 {
  if (k < nbClusters) return <u64>load<u32>(expected + <usize>(k << 2));
  for (let i = 0; i < nExtra; i++) if (load<u64>(extraIdx + (<usize>i << 3)) == k) return <u64>load<u32>(extraCnt + (<usize>i << 2));
  return 0;
}

/** The stored refcount of cluster k (0 past the end of the file: refblocks there read as zeros). */
export function storedAt(k: u64): u32 {
  return k < nbClusters ? load<u32>(stored + <usize>(k << 2)) : 0;
}

export function setStored(k: u64, v: u64): void {
  if (k < nbClusters) store<u32>(stored + <usize>(k << 2), v >= <u64>SAT ? SAT : <u32>v);
}

/**
 * qcow2_inc_refcounts_imrt: +1 for every cluster [off, off+size) touches; overflow is a corruption.
 * QEMU returns at the first cluster its array cannot grow to: so does this, so a hostile size far
 * past the end of the file costs one failed growth, not a search per cluster.
 */
export function inc(off: u64, size: u64): void {
  if (size == 0) return;
  // QEMU prints this line (qcow2_inc_refcounts_imrt); the count comes from the clusters past the end.
  if (off + size > fileBytes && off + size - fileBytes >= ((<u64>1) << clusterBits)) addEvent(1, off, size, 0);
  const first = off >> clusterBits;
  const last = (off + size - 1) >> clusterBits;
  for (let k = first; k <= last; k++) {
    if (expectedAt(k) >= refMax || expectedAt(k) >= <u64>SAT) { corruptions++; continue; } // "ERROR: overflow cluster"
    if (k < nbClusters) { const p = expected + <usize>(k << 2); store<u32>(p, load<u32>(p) + 1); continue; }
    if (!bumpExtra(k)) return;
  }
}

function bumpExtra(k: u64): bool {
  for (let i = 0; i < nExtra; i++) {
    if (load<u64>(extraIdx + (<usize>i << 3)) == k) { const p = extraCnt + (<usize>i << 2); store<u32>(p, load<u32>(p) + 1); return true; }
  }
  if (nExtra >= EXTRA_MAX) { checkErrors++; return false; } // QEMU: realloc_refcount_array failed
  store<u64>(extraIdx + (<usize>nExtra << 3), k);
  store<u32>(extraCnt + (<usize>nExtra << 2), 1);
  nExtra++;
  return true;
}

/** Size of QEMU's grown refcount array: the file's clusters, or up to the furthest referenced one. */
export function grownClusters(): u64 {
  let n = nbClusters;
  for (let i = 0; i < nExtra; i++) { const k = load<u64>(extraIdx + (<usize>i << 3)); if (k + 1 > n) n = k + 1; }
  return n;
}

/** compare_refcounts: stored > computed is a leak, stored < computed a corruption. */
export function compare(): void {
  for (let k: u64 = 0; k < nbClusters; k++) {
    const s = load<u32>(stored + <usize>(k << 2));
    if (s == ERR) { checkErrors++; continue; }
    const c = load<u32>(expected + <usize>(k << 2));
    if (s > 0 || c > 0) highest = k;
    if (s < c) { corruptions++; compareCorruptions++; if (s == 0) rebuild = true; }
    else if (s > c) leaks++;
  }
  for (let i = 0; i < nExtra; i++) {
    // Stored refcount there is 0 (past the end of the file) while the metadata uses it. qemu-img 7.2
    // reports image-end-offset from the file's own clusters only (measured on check-corruptions fixtures).
    corruptions++;
    // Only the cluster at the end of the file is in QEMU's grown array (compare_refcounts sees refcount
    // 0 there: rebuild); references further out are corruptions of the walk itself.
    if (load<u64>(extraIdx + (<usize>i << 3)) == nbClusters) { compareCorruptions++; rebuild = true; }
  }
}
