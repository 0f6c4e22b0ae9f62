// The bitmap directory (qcow2.txt "Bitmaps" → "Bitmap directory"): bitmap_directory_size bytes at
// bitmap_directory_offset (both from the bitmaps extension, see extensions.ts), nb_bitmaps entries,
// each padded to a multiple of 8 bytes; the entry's fields are drawn and named in bitmap-format.ts.
//
// Checked as QEMU's bitmap_list_load/check_dir_entry do: entry inside the directory, no extra data,
// name ≤ 1023 bytes, no reserved flags, type 1, granularity_bits 9..31, a cluster-aligned non-zero
// bitmap table of 1..2^27 entries inside the file, and exactly nb_bitmaps entries. Re-entrant: the
// first call reads the directory and returns NEED_IO, the next parses it into 32-byte records:
//
//   0 name ptr u32 | 4 name len u32 | 8 flags u32 | 12 granularity_bits u32 | 16 granularity f64
//  24 bitmap table offset f64
import * as S from '../status';
import * as F from '../fields';
import { fail } from '../errors';
import { be16, be32, be64 } from '../util/be';
import { allocPages, freePages } from '../mem/pages';
import { OP_READ, pushRequest } from '../io/requests';
import { Layer, layerAt, validSlot, fileId, FMT_QCOW2 } from '../layer';
import * as Q from './format';
import * as BM from './bitmap-format';

export const BITMAP_RECORD: usize = 32;
const ENTRY_HEADER: u64 = <u64>BM.BMD_HEADER_BYTES;
const ALIGN: u64 = <u64>BM.BMD_ALIGN;
const MAX_NAME: u32 = <u32>BM.BME_MAX_NAME_SIZE;
const MAX_TABLE: u32 = <u32>BM.BME_MAX_TABLE_SIZE;
const KNOWN_FLAGS: u32 = <u32>(Q.BME_IN_USE | Q.BME_AUTO);
const TYPE_DIRTY_TRACKING: u32 = <u32>BM.BME_TYPE_DIRTY_TRACKING;

let slotOf: i32 = -1;
let dir: usize = 0;
let dirLen: u64 = 0;
let recs: usize = 0;
let count: i32 = 0;
let ready = false;

export function bitmapRecords(): usize { return recs; }
export function bitmapCount(): i32 { return count; }

export function bitmapsFree(): void {
  freePages(dir, dirLen);
  freePages(recs, <u64>count * BITMAP_RECORD);
  dir = 0; dirLen = 0; recs = 0; count = 0; ready = false; slotOf = -1;
}

export function bitmapsLoad(slot: i32): i32 {
  if (!validSlot(slot) || layerAt(slot).format != FMT_QCOW2) return S.E_BAD_SLOT;
  if (slotOf != slot) { bitmapsFree(); slotOf = slot; }
  if (ready) return S.OK;
  const l = layerAt(slot);
  if (l.nbBitmaps == 0) { ready = true; return S.OK; }
  if (dir == 0) {
    count = <i32>l.nbBitmaps;
    recs = allocPages(<u64>count * BITMAP_RECORD);
    dir = allocPages(l.bitmapDirSize);
    dirLen = l.bitmapDirSize;
    if (recs == 0 || dir == 0) return fail(S.E_NO_MEMORY, slot, F.F_BITMAP_DIRECTORY, l.bitmapDirOffset, dirLen);
    pushRequest(OP_READ, fileId(slot, false), l.bitmapDirOffset, <u32>dirLen, dir, 0);
    return S.NEED_IO;
  }
  const rc = parse(slot, l);
  if (rc != S.OK) return rc;
  ready = true;
  return S.OK;
}

function parse(slot: i32, l: Layer): i32 {
  const cluster = (<u64>1) << l.clusterBits;
  let off: u64 = 0;
  let n: i32 = 0;
  while (off < dirLen) {
    const at = l.bitmapDirOffset + off;
    if (n >= count || ENTRY_HEADER > dirLen - off) return bad(slot, at, <u64>n);
    const p = dir + <usize>off;
    const tableOff = be64(p + BM.BMD_BITMAP_TABLE_OFFSET);
    const tableSize = be32(p + BM.BMD_BITMAP_TABLE_SIZE);
    const flags = be32(p + BM.BMD_FLAGS);
    const type = <u32>load<u8>(p + BM.BMD_TYPE);
    const gbits = <u32>load<u8>(p + BM.BMD_GRANULARITY_BITS);
    const nameLen = <u32>be16(p + BM.BMD_NAME_SIZE);
    const extra = be32(p + BM.BMD_EXTRA_DATA_SIZE);
    const size = (ENTRY_HEADER + <u64>extra + <u64>nameLen + ALIGN - 1) & ~(ALIGN - 1);
    if (size > dirLen - off || extra != 0) return bad(slot, at, <u64>extra);
    if (nameLen > MAX_NAME || (flags & ~KNOWN_FLAGS) != 0 || type != TYPE_DIRTY_TRACKING) return bad(slot, at, <u64>flags);
    if (gbits < 9 || gbits > 31) return bad(slot, at, <u64>gbits);
    if (tableSize == 0 || tableSize > MAX_TABLE || tableOff == 0 || (tableOff & (cluster - 1)) != 0
      || tableOff > l.fileSize || <u64>tableSize * BM.BMT_ENTRY_BYTES > l.fileSize - tableOff
      || <u64>tableSize * cluster > l.fileSize) return bad(slot, at, tableOff);
    const r = recs + <usize>n * BITMAP_RECORD;
    store<u32>(r, <u32>(p + <usize>ENTRY_HEADER + <usize>extra));
    store<u32>(r, nameLen, 4);
    store<u32>(r, flags, 8);
    store<u32>(r, gbits, 12);
    store<f64>(r, <f64>((<u64>1) << gbits), 16);
    store<f64>(r, <f64>tableOff, 24);
    n++;
    off += size;
  }
  if (n != count) return bad(slot, l.bitmapDirOffset + off, <u64>n);
  return S.OK;
}

function bad(slot: i32, at: u64, value: u64): i32 {
  return fail(S.E_QCOW2_BAD_BITMAPS, slot, F.F_BITMAP_DIRECTORY, at, value);
}
