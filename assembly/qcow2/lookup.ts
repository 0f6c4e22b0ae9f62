// Block status of one qcow2 layer at a guest offset: the longest run from there whose clusters are
// of one kind (and contiguous on the host), read from L1/L2 metadata only (qcow2.txt "Cluster
// mapping", "Extended L2 Entries"). Mirrors QEMU's qcow2_get_subcluster_type.
import * as S from '../status';
import * as F from '../fields';
import { fail } from '../errors';
import { Layer } from '../layer';
import * as Q from './layout';
import * as R from '../runs';
import { l2OffsetAt } from './l1';
import { l2Slice, SLICE } from './l2cache';
import { nRequests, MAX_REQUESTS } from '../io/requests';

/** Slices read ahead on a miss: a scan goes on through the table, so one round trip brings the rest. */
const READAHEAD_SLICES: u64 = 64;

/** Queues reads for the slices after `first` that [pos, end) will need, leaving room for other layers. */
function readAhead(slot: i32, l2Off: u64, first: u64, lastEntry: u64, perSlice: u64, sliceBytes: u64): void {
  const last = min<u64>(lastEntry / perSlice, first + READAHEAD_SLICES);
  for (let s = first + 1; s <= last && nRequests < MAX_REQUESTS / 2; s++) l2Slice(slot, l2Off + s * sliceBytes, <u32>sliceBytes);
}

// Subcluster classes (QEMU QCow2SubclusterType).
const C_NORMAL: u32 = 0;
const C_ZERO_PLAIN: u32 = 1;
const C_ZERO_ALLOC: u32 = 2;
const C_UNALLOC: u32 = 3;
const C_COMPRESSED: u32 = 4;
const C_INVALID: u32 = 5;
const C_UNALLOC_ALLOC: u32 = 6; // extended L2: an unallocated subcluster of an allocated cluster

let entryAt: u64 = 0; // file offset of the entry being classified, for errors

function classify(l: Layer, e: u64, bitmap: u64, sc: u32): u32 {
  if ((e & Q.OFLAG_COMPRESSED) != 0) return l.extL2 && bitmap != 0 ? C_INVALID : C_COMPRESSED;
  const off = e & Q.OFFSET_MASK;
  const normal = off != 0 || (l.hasDataFile != 0 && (e & Q.OFLAG_COPIED) != 0);
  if (!l.extL2) {
    if ((e & Q.OFLAG_ZERO) != 0) return off != 0 ? C_ZERO_ALLOC : C_ZERO_PLAIN;
    return normal ? C_NORMAL : C_UNALLOC;
  }
  if (normal) {
    if (((bitmap >> 32) & bitmap) != 0) return C_INVALID;
    if ((bitmap >> (32 + <u64>sc)) & 1) return C_ZERO_ALLOC;
    return (bitmap >> <u64>sc) & 1 ? C_NORMAL : C_UNALLOC_ALLOC;
  }
  if ((bitmap & 0xffffffff) != 0) return C_INVALID;
  return (bitmap >> (32 + <u64>sc)) & 1 ? C_ZERO_PLAIN : C_UNALLOC;
}

function flagsOf(l: Layer, c: u32): u32 {
  if (c == C_NORMAL) {
    let f = R.RUN_ALLOCATED | R.RUN_DATA | R.RUN_OFFSET;
    if (l.metaPrealloc != 0) f |= R.RUN_RECURSE;
    return l.hasDataFile != 0 ? f | R.RUN_DATAFILE : f;
  }
  if (c == C_ZERO_ALLOC) return R.RUN_ALLOCATED | R.RUN_ZERO | R.RUN_OFFSET | (l.hasDataFile != 0 ? R.RUN_DATAFILE : 0);
  if (c == C_ZERO_PLAIN) return R.RUN_ALLOCATED | R.RUN_ZERO;
  if (c == C_COMPRESSED) return R.RUN_ALLOCATED | R.RUN_DATA | R.RUN_COMPRESSED;
  // QEMU reports the host offset of an allocated cluster's unallocated subclusters too.
  if (c == C_UNALLOC_ALLOC) return R.RUN_OFFSET | (l.hasDataFile != 0 ? R.RUN_DATAFILE : 0);
  return 0;
}

/** Finds the run at guest offset `pos` (< size), at most `maxLen` bytes. Sets R.run*. */
export function qcow2RunAt(slot: i32, l: Layer, pos: u64, maxLen: u64): i32 {
  const cb = l.clusterBits;
  const cluster = (<u64>1) << cb;
  const perL2 = (<u64>1) << l.l2Bits;
  const l1Index = pos >> (cb + l.l2Bits);
  const l2Off = l2OffsetAt(slot, l, l1Index);
  if (l2Off < 0) return <i32>-l2Off;
  const tableEnd = (l1Index + 1) << (cb + l.l2Bits);
  const limit = min<u64>(maxLen, tableEnd - pos);
  if (l2Off == 0) { R.setRun(limit, 0, 0); return S.OK; }
  const esz: u64 = l.extL2 ? 16 : 8;
  const sliceBytes = min<u64>(SLICE, perL2 * esz);
  const perSlice = sliceBytes / esz;
  let idx = (pos >> cb) & (perL2 - 1);
  const slice = l2Slice(slot, <u64>l2Off + (idx / perSlice) * sliceBytes, <u32>sliceBytes);
  if (slice == 0) {
    const lastEntry = ((pos + limit - 1) >> cb) & (perL2 - 1);
    readAhead(slot, <u64>l2Off, idx / perSlice, lastEntry, perSlice, sliceBytes);
    return S.NEED_IO;
  }
  const sliceEnd = (idx / perSlice + 1) * perSlice; // entries past here are in another slice
  const scBits: u32 = l.extL2 ? cb - 5 : cb;          // 32 subclusters per cluster with extended L2
  let at = pos;
  let kind: u32 = 0xffffffff;
  let host: u64 = 0;
  let expectHost: u64 = 0;
  const end = pos + limit;
  while (at < end && idx < sliceEnd) {
    const p = slice + <usize>((idx % perSlice) * esz);
    const e = bswap<u64>(load<u64>(p));
    const bitmap = l.extL2 ? bswap<u64>(load<u64>(p + 8)) : 0;
    entryAt = <u64>l2Off + idx * esz;
    const clusterStart = (at >> cb) << cb;
    // Walk the subclusters of this cluster (one step when there are none).
    let sc: u32 = <u32>((at - clusterStart) >> scBits);
    const nsc: u32 = l.extL2 ? 32 : 1;
    while (sc < nsc && at < end) {
      const c = classify(l, e, bitmap, sc);
      if (c == C_INVALID) return fail(S.E_QCOW2_BAD_L2, slot, F.F_L2_ENTRY, entryAt, e);
      const hasHost = c == C_NORMAL || c == C_ZERO_ALLOC || c == C_UNALLOC_ALLOC;
      const h = (e & Q.OFFSET_MASK) + (at - clusterStart);
      if (hasHost && kind == 0xffffffff) {
        const rc = checkHost(slot, l, e & Q.OFFSET_MASK, cluster);
        if (rc != S.OK) return rc;
      }
      if (kind == 0xffffffff) { kind = c; host = h; expectHost = h; }
      else if (c != kind || (hasHost && h != expectHost)) { R.setRun(at - pos, flagsOf(l, kind), host); return S.OK; }
      else if (hasHost && sc == 0) {
        const rc = checkHost(slot, l, e & Q.OFFSET_MASK, cluster);
        if (rc != S.OK) return rc;
      }
      const stepEnd = min<u64>(clusterStart + ((<u64>sc + 1) << scBits), end);
      expectHost += stepEnd - at;
      at = stepEnd;
      sc++;
    }
    idx++;
  }
  R.setRun(at - pos, flagsOf(l, kind), kind == C_NORMAL || kind == C_ZERO_ALLOC || kind == C_UNALLOC_ALLOC ? host : 0);
  return S.OK;
}

function checkHost(slot: i32, l: Layer, off: u64, cluster: u64): i32 {
  if ((off & (cluster - 1)) != 0) return fail(S.E_QCOW2_BAD_CLUSTER, slot, F.F_L2_ENTRY, entryAt, off);
  if (l.hasDataFile == 0 && off >= l.fileSize) return fail(S.E_QCOW2_BAD_CLUSTER, slot, F.F_L2_ENTRY, entryAt, off);
  return S.OK;
}
