// The internal snapshot table (qcow2.txt "Snapshots"): nb_snapshots entries from snapshots_offset,
// each starting on an 8-byte boundary; the entry's fields are drawn and named in snapshot-format.ts.
//
// Re-entrant: the first call reads a guess of the table's size and returns NEED_IO; later calls
// parse what arrived and, when an entry runs past it, read a longer prefix (QEMU caps the table at
// 64 MiB). The result is one 64-byte record per entry, strings pointing into the loaded table:
//
//   0 id ptr u32 | 4 id len u32 | 8 name ptr u32 | 12 name len u32 | 16 vm-state-size f64
//  24 date-sec f64 | 32 date-nsec f64 | 40 vm-clock-sec f64 | 48 vm-clock-nsec f64 | 56 icount f64 (-1: none)
import * as S from '../status';
import * as F from '../fields';
import { fail } from '../errors';
import { be16, be32, be64 } from '../util/be';
import { allocPages, freePages } from '../mem/pages';
import { OP_READ, pushRequest } from '../io/requests';
import { Layer, layerAt, validSlot, fileId, FMT_QCOW2 } from '../layer';
import * as Q from './layout';
import * as SN from './snapshot-format';

export const SNAP_RECORD: usize = 64;
const ENTRY_HEADER: u64 = <u64>SN.SN_HEADER_BYTES;
const MAX_EXTRA: u32 = <u32>SN.SN_MAX_EXTRA_DATA;
const ALIGN: u64 = <u64>SN.SN_ALIGN;

let slotOf: i32 = -1;
let buf: usize = 0;     // the table prefix read so far
let bufLen: u64 = 0;
let recs: usize = 0;
let count: i32 = 0;
let ready = false;

export function snapRecords(): usize { return recs; }
export function snapCount(): i32 { return count; }

export function snapshotsFree(): void {
  freePages(buf, bufLen);
  freePages(recs, <u64>count * SNAP_RECORD);
  buf = 0; bufLen = 0; recs = 0; count = 0; ready = false; slotOf = -1;
}

export function snapshotsLoad(slot: i32): i32 {
  if (!validSlot(slot) || layerAt(slot).format != FMT_QCOW2) return S.E_BAD_SLOT;
  if (slotOf != slot) { snapshotsFree(); slotOf = slot; }
  if (ready) return S.OK;
  const l = layerAt(slot);
  if (l.nbSnapshots == 0) { ready = true; return S.OK; }
  if (recs == 0) {
    count = <i32>l.nbSnapshots;
    recs = allocPages(<u64>count * SNAP_RECORD);
    if (recs == 0) return fail(S.E_NO_MEMORY, slot, F.F_NB_SNAPSHOTS, Q.H_NB_SNAPSHOTS, l.nbSnapshots);
    return readPrefix(slot, l, <u64>l.nbSnapshots * 128, l.snapshotsOffset);
  }
  const need = parse(slot, l);
  if (need < 0) return <i32>-need;
  if (need == 0) { ready = true; return S.OK; }
  return readPrefix(slot, l, <u64>need, l.snapshotsOffset);
}

/** Reads `want` bytes (at least; doubled while growing) of the table; `at` names the entry in errors. */
function readPrefix(slot: i32, l: Layer, want: u64, at: u64): i32 {
  const limit = l.fileSize - l.snapshotsOffset;
  if (bufLen > 0 && want < bufLen * 2) want = bufLen * 2;
  if (want > Q.MAX_SNAPSHOTS_BYTES) want = Q.MAX_SNAPSHOTS_BYTES;
  if (want > limit) want = limit;
  if (want <= bufLen) return fail(S.E_QCOW2_BAD_SNAPSHOT_TABLE, slot, F.F_SNAPSHOT_ENTRY, at, bufLen);
  freePages(buf, bufLen);
  buf = allocPages(want);
  bufLen = buf == 0 ? 0 : want;
  if (buf == 0) return fail(S.E_NO_MEMORY, slot, F.F_SNAPSHOTS_OFFSET, Q.H_SNAPSHOTS_OFFSET, want);
  pushRequest(OP_READ, fileId(slot, false), l.snapshotsOffset, <u32>want, buf, 0);
  return S.NEED_IO;
}

/** 0 when every entry parsed; > 0 the table bytes needed; < 0 a negated error code. */
function parse(slot: i32, l: Layer): i64 {
  const cluster = (<u64>1) << l.clusterBits;
  let off: u64 = 0;
  for (let i = 0; i < count; i++) {
    off = (off + ALIGN - 1) & ~(ALIGN - 1);
    const at = l.snapshotsOffset + off;
    if (off + ENTRY_HEADER > bufLen) return grow(slot, l, off + ENTRY_HEADER, at);
    const p = buf + <usize>off;
    const l1Off = be64(p + SN.SN_L1_TABLE_OFFSET);
    const l1Size = be32(p + SN.SN_L1_SIZE);
    const idLen = <u64>be16(p + SN.SN_ID_STR_SIZE);
    const nameLen = <u64>be16(p + SN.SN_NAME_SIZE);
    const extra = be32(p + SN.SN_EXTRA_DATA_SIZE);
    if (extra > MAX_EXTRA) return -fail(S.E_QCOW2_BAD_SNAPSHOT_TABLE, slot, F.F_SNAPSHOT_ENTRY, at, extra);
    if ((l1Off & (cluster - 1)) != 0 || <u64>l1Size * 8 > Q.MAX_L1_BYTES || l1Off > l.fileSize || <u64>l1Size * 8 > l.fileSize - l1Off) {
      return -fail(S.E_QCOW2_BAD_SNAPSHOT_TABLE, slot, F.F_SNAPSHOT_ENTRY, at, l1Off);
    }
    const end = off + ENTRY_HEADER + <u64>extra + idLen + nameLen;
    if (end > bufLen) return grow(slot, l, end, at);
    record(recs + <usize>i * SNAP_RECORD, p, extra);
    off = end;
  }
  return 0;
}

function grow(slot: i32, l: Layer, need: u64, at: u64): i64 {
  if (need > Q.MAX_SNAPSHOTS_BYTES || need > l.fileSize - l.snapshotsOffset) {
    return -fail(S.E_QCOW2_BAD_SNAPSHOT_TABLE, slot, F.F_SNAPSHOT_ENTRY, at, need);
  }
  return <i64>need;
}

function record(r: usize, p: usize, extra: u32): void {
  const idLen = <u32>be16(p + SN.SN_ID_STR_SIZE);
  const nameLen = <u32>be16(p + SN.SN_NAME_SIZE);
  const x = p + <usize>ENTRY_HEADER;
  const clock = be64(p + SN.SN_VM_CLOCK_NSEC);
  store<u32>(r, <u32>(x + <usize>extra));
  store<u32>(r, idLen, 4);
  store<u32>(r, <u32>(x + <usize>extra + <usize>idLen), 8);
  store<u32>(r, nameLen, 12);
  store<f64>(r, <f64>(extra >= <u32>SN.SNX_DISK_SIZE /* vm_state_size_large fits */ ? be64(x + SN.SNX_VM_STATE_SIZE_LARGE) : <u64>be32(p + SN.SN_VM_STATE_SIZE)), 16);
  store<f64>(r, <f64>be32(p + SN.SN_DATE_SEC), 24);
  store<f64>(r, <f64>be32(p + SN.SN_DATE_NSEC), 32);
  store<f64>(r, <f64>(clock / 1000000000), 40);
  store<f64>(r, <f64>(clock % 1000000000), 48);
  const icount = extra >= <u32>SN.SNX_KNOWN_BYTES ? be64(x + SN.SNX_ICOUNT) : u64.MAX_VALUE; // all ones: none recorded, as in QEMU
  store<f64>(r, icount == u64.MAX_VALUE ? -1 : <f64>icount, 56);
}
