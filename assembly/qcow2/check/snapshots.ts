// Snapshot L1 tables (calculate_refcounts' snapshot loop): each snapshot's L1 and L2 tables and the
// clusters they map count as used; then the snapshot table itself. Entries follow qcow2.txt
// "Snapshot table" (fields named in ../snapshot-format.ts): header, extra data, id, name, padded to 8.
import * as S from '../../status';
import { allocPages, freePages } from '../../mem/pages';
import { OP_READ, pushRequest } from '../../io/requests';
import { Layer, fileId } from '../../layer';
import { be16, be32, be64 } from '../../util/be';
import * as Q from '../layout';
import * as SN from '../snapshot-format';
import * as St from './state';
import { walkStart, walkStep } from './l1walk';

const CHUNK: u64 = 256 << 10; // holds any one entry (40 + 1 KiB extra + 2 * 64 KiB names)
const MAX_EXTRA: u32 = <u32>SN.SN_MAX_EXTRA_DATA;
const HEADER: u64 = <u64>SN.SN_HEADER_BYTES;
const ALIGN: u64 = <u64>SN.SN_ALIGN;

let stage: u32 = 0;    // 0 read table chunk, 1 walk snapshot i, 2 done
let buf: usize = 0;
let cursor: u64 = 0;   // file offset of the next entry
let parsed: u32 = 0;   // entries parsed
let list: usize = 0;   // (l1 offset u64, l1 size u64) per snapshot
let listBytes: u64 = 0;
let walking: u32 = 0;  // snapshot being walked
let l1: usize = 0;
let l1Bytes: u64 = 0;
let pending: bool = false;
let tableLen: u64 = 0; // QEMU's table_length so far

export function snapStart(l: Layer): void {
  stage = l.nbSnapshots == 0 ? 2 : 0;
  cursor = l.snapshotsOffset; parsed = 0; walking = 0; pending = false; tableLen = 0;
  if (l.hasDataFile != 0 && l.nbSnapshots != 0) St.addCorruption(); // "snapshots in image with data file"
}

export function snapStep(slot: i32, l: Layer): i32 {
  while (stage == 0) {
    if (buf == 0) { buf = allocPages(CHUNK); listBytes = <u64>l.nbSnapshots * 16; list = allocPages(listBytes); }
    if (buf == 0 || list == 0) return S.E_NO_MEMORY;
    if (!pending) {
      pending = true;
      memory.fill(buf, 0, <usize>CHUNK);
      if (cursor < l.fileSize) { pushRequest(OP_READ, fileId(slot, false), cursor, <u32>CHUNK, buf, 0); return S.NEED_IO; }
    }
    pending = false;
    let at: u64 = 0;
    let cut = false;
    while (parsed < l.nbSnapshots && at + HEADER <= CHUNK) {
      const p = buf + <usize>at;
      const extra = be32(p + SN.SN_EXTRA_DATA_SIZE);
      const ids = <u64>be16(p + SN.SN_ID_STR_SIZE) + <u64>be16(p + SN.SN_NAME_SIZE);
      const len = (HEADER + <u64>extra + ids + ALIGN - 1) & ~(ALIGN - 1);
      if (at + len > CHUNK) break;
      // qcow2_check_read_snapshot_table / qcow2_do_read_snapshots
      if (extra > MAX_EXTRA) St.addSnapExtraTooBig();
      else if (l.version >= 3 && extra < <u32>SN.SNX_V3_MIN_BYTES) St.addSnapIncomplete();
      // The table as QEMU measures it (excess extra data dropped) may not pass 64 MiB: this entry
      // and the ones after it are cut off (with -r all; a failed read otherwise).
      tableLen = ((tableLen + ALIGN - 1) & ~(ALIGN - 1)) + HEADER + <u64>(extra > MAX_EXTRA ? MAX_EXTRA : extra) + ids;
      if (tableLen > Q.MAX_SNAPSHOTS_BYTES) { St.addSnapDropped(<u64>(l.nbSnapshots - parsed)); cut = true; break; }
      store<u64>(list + (<usize>parsed << 4), be64(p + SN.SN_L1_TABLE_OFFSET));
      store<u64>(list + (<usize>parsed << 4) + 8, <u64>be32(p + SN.SN_L1_SIZE));
      parsed++;
      at += len;
    }
    cursor += at;
    if (cut || parsed == l.nbSnapshots || at == 0) stage = 1; // at 0: an entry larger than CHUNK
  }
  while (stage == 1 && walking < parsed) {
    const off = load<u64>(list + (<usize>walking << 4));
    const n = load<u64>(list + (<usize>walking << 4) + 8);
    if (l1 == 0) {
      if ((off & (((<u64>1) << l.clusterBits) - 1)) != 0 || n * 8 > Q.MAX_L1_BYTES) { St.addCorruption(); walking++; continue; }
      if (n == 0) { walking++; continue; }
      St.inc(off, n * 8); // check_refcounts_l1 marks the table used
      l1Bytes = n * 8;
      l1 = allocPages(l1Bytes);
      if (l1 == 0) return S.E_NO_MEMORY;
      memory.fill(l1, 0, <usize>l1Bytes);
      pending = true;
      if (off < l.fileSize) { pushRequest(OP_READ, fileId(slot, false), off, <u32>l1Bytes, l1, 0); return S.NEED_IO; }
    }
    if (pending) {
      pending = false;
      for (let i: u64 = 0; i < n; i++) store<u64>(l1 + <usize>(i << 3), bswap<u64>(load<u64>(l1 + <usize>(i << 3))));
      walkStart(l, l1, n, false);
    }
    const rc = walkStep(slot, l);
    if (rc != S.OK) return rc;
    freePages(l1, l1Bytes);
    l1 = 0;
    walking++;
  }
  stage = 2;
  return S.OK;
}

/** The snapshot table itself (QEMU s->snapshots_size: the entries parsed, each padded to 8). */
export function snapFinish(l: Layer): void {
  if (l.nbSnapshots != 0) St.inc(l.snapshotsOffset, cursor - l.snapshotsOffset);
  snapFree();
}

/** Frees the table chunk, the entry list and a snapshot L1 table, whichever are held. */
export function snapFree(): void {
  if (buf != 0) freePages(buf, CHUNK);
  if (list != 0) freePages(list, listBytes);
  if (l1 != 0) freePages(l1, l1Bytes);
  buf = 0; list = 0; l1 = 0;
}
