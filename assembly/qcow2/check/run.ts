// `check` as a re-entrant state machine (QEMU qcow2_check_refcounts + calculate_refcounts):
//   1 read the refcount table → 2 refcount blocks → stored refcounts
//   3 header cluster, active L1 and its L2 tables (+ check_oflag_copied) → 4 snapshot L1 tables
//   5 snapshot table, refcount table, bitmaps; check_refblocks; compare_refcounts → done
import * as S from '../../status';
import { layerAt, validSlot, FMT_QCOW2 } from '../../layer';
import * as St from './state';
import { loadReftable, readStored, checkRefblocks, reftableFree } from './refblocks';
import { walkStart, walkStep, walkFree } from './l1walk';
import { snapStep, snapStart, snapFinish, snapFree } from './snapshots';
import { bitmapsStep, bitmapsStart, bitmapsFreeAll } from './bitmaps';

let phase: u32 = 0;
let curSlot: i32 = -1;
export let result: u32 = 0; // 1 once a run completed

export function checkRun(slot: i32): i32 {
  if (!validSlot(slot) || layerAt(slot).format != FMT_QCOW2) return S.E_BAD_SLOT;
  const l = layerAt(slot);
  if (phase == 0) {
    curSlot = slot;
    result = 0;
    if (!St.stateInit(l.fileSize, l.clusterBits, l.refcountOrder)) return S.E_NO_MEMORY;
    phase = 1;
    const rc = loadReftable(slot, l);
    if (rc != S.OK) return rc;
  }
  if (phase == 1) {
    const rc = readStored(slot, l);
    if (rc != S.OK) return rc;
    St.inc(0, (<u64>1) << l.clusterBits);                  // the header cluster
    St.inc(l.l1Offset, <u64>l.l1Size * 8);                 // the active L1 table
    if (!walkStart(l, l.l1Ptr, l.l1Size, true)) return S.E_NO_MEMORY;
    phase = 2;
  }
  if (phase == 2) {
    const rc = walkStep(slot, l);
    if (rc != S.OK) return rc;
    snapStart(l);
    phase = 3;
  }
  if (phase == 3) {
    const rc = snapStep(slot, l);
    if (rc != S.OK) return rc;
    snapFinish(l);
    St.inc(l.refTableOffset, <u64>l.refTableClusters << l.clusterBits); // "refcount data"
    bitmapsStart(l);
    phase = 4;
  }
  if (phase == 4) {
    const rc = bitmapsStep(slot, l);
    if (rc != S.OK) return rc;
    checkRefblocks(l);
    St.compare();
    walkFree();
    reftableFree();
    phase = 0;
    result = 1;
  }
  return S.OK;
}

/** Frees the arrays of the last run. */
export function checkEnd(): void {
  // A check stopped by an error (no memory, a failed read) still holds its stage's buffers.
  walkFree();
  snapFree();
  bitmapsFreeAll();
  St.stateFree();
  reftableFree();
  result = 0;
  phase = 0;
  curSlot = -1;
}

export function checkValue(key: i32): f64 {
  if (key == 0) return <f64>St.checkErrors;
  if (key == 1) return <f64>St.corruptions;
  if (key == 2) return <f64>St.leaks;
  if (key == 3) return <f64>((St.highest + 1) << St.clusterBits); // image_end_offset
  if (key == 4) return <f64>((layerAt(curSlot).size + ((<u64>1) << St.clusterBits) - 1) >> St.clusterBits); // total_clusters
  if (key == 5) return <f64>St.allocated;
  if (key == 6) return <f64>St.fragmented;
  if (key == 7) return <f64>St.compressed;
  // For `check -r`: 8 rebuild needed (0/1), 9 OFLAG_COPIED corruptions, 10 compare_refcounts
  // corruptions, 11/12 pointers to the computed/stored u32 arrays, 13 their length, 14 extra clusters,
  // 15/16 unaligned zero-cluster entries recorded/found (checkZeroFix(i) gives their file offsets).
  if (key == 8) return St.rebuild ? 1 : 0;
  if (key == 9) return <f64>St.oflagCorruptions;
  if (key == 10) return <f64>St.compareCorruptions;
  if (key == 11) return <f64>St.expected;
  if (key == 12) return <f64>St.stored;
  if (key == 13) return <f64>St.nbClusters;
  if (key == 14) return <f64>St.nExtra;
  // 15/16: L2 entries `-r all` rewrites as plain zero clusters (recorded / found), see state.ts.
  if (key == 15) return <f64>St.nFix;
  if (key == 16) return <f64>St.nFixSeen;
  // 17/18: snapshot table entries incomplete (v3, < 16 bytes of extra data) / with too much extra data.
  if (key == 17) return <f64>St.snapIncomplete;
  if (key == 18) return <f64>St.snapExtraTooBig;
  if (key == 19) return <f64>St.snapDropped; // entries cut off past the 64 MiB table limit
  return -1;
}
