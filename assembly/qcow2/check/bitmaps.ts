// Persistent bitmaps (qcow2-bitmap.c qcow2_check_bitmaps_refcounts): the bitmap directory, each
// bitmap table and every data cluster a table entry points at count as used. Directory entries
// (qcow2.txt "Bitmap directory", fields named in ../bitmap-format.ts): header, extra data and name,
// padded to 8 bytes.
import * as S from '../../status';
import { allocPages, freePages } from '../../mem/pages';
import { OP_READ, pushRequest } from '../../io/requests';
import { Layer, fileId } from '../../layer';
import { be16, be32, be64 } from '../../util/be';
import * as St from './state';
import * as BM from '../bitmap-format';

const BME_RESERVED: u64 = 0xff000000000001fe;
const BME_OFFSET: u64 = 0x00fffffffffffe00;
const BME_ALL_ONES: u64 = <u64>BM.BMT_ALL_ONES;
const HEADER: u64 = <u64>BM.BMD_HEADER_BYTES;
const ALIGN: u64 = <u64>BM.BMD_ALIGN;

let dir: usize = 0;
let dirBytes: u64 = 0;
let at: u64 = 0;       // offset of the next directory entry
let table: usize = 0;
let tableBytes: u64 = 0;
let pending: bool = false;
let stage: u32 = 0;    // 0 read directory, 1 tables, 2 done

export function bitmapsStart(l: Layer): void {
  stage = l.nbBitmaps == 0 || (l.autoclear & 1) == 0 ? 2 : 0;
  at = 0; pending = false;
}

export function bitmapsStep(slot: i32, l: Layer): i32 {
  if (stage == 0) {
    if (!pending) {
      St.inc(l.bitmapDirOffset, l.bitmapDirSize);
      dirBytes = l.bitmapDirSize + 8;
      dir = allocPages(dirBytes);
      if (dir == 0) return S.E_NO_MEMORY;
      memory.fill(dir, 0, <usize>l.bitmapDirSize + 8);
      pending = true;
      pushRequest(OP_READ, fileId(slot, false), l.bitmapDirOffset, <u32>l.bitmapDirSize, dir, 0);
      return S.NEED_IO;
    }
    pending = false;
    stage = 1;
  }
  const cluster = (<u64>1) << l.clusterBits;
  while (stage == 1 && at + HEADER <= l.bitmapDirSize) {
    const p = dir + <usize>at;
    const tableOff = be64(p + BM.BMD_BITMAP_TABLE_OFFSET);
    // Past the end of the file a table reads as zeros, and a zero entry counts nothing: only the
    // part inside the file is read, so table_size (up to 2^32 entries) cannot make the check
    // allocate or walk more than the file holds.
    const n = <u64>be32(p + BM.BMD_BITMAP_TABLE_SIZE);
    const inFile = tableOff >= l.fileSize ? 0 : min(n, (l.fileSize - tableOff) >> 3);
    if (!pending) {
      St.inc(tableOff, n * 8);
      tableBytes = inFile * 8;
      table = allocPages(tableBytes);
      if (table == 0) return S.E_NO_MEMORY;
      pending = true;
      pushRequest(OP_READ, fileId(slot, false), tableOff, <u32>tableBytes, table, 0);
      return S.NEED_IO;
    }
    pending = false;
    for (let i: u64 = 0; i < inFile; i++) {
      const e = be64(table + <usize>(i << 3));
      const off = e & BME_OFFSET;
      if ((e & BME_RESERVED) != 0 || (off != 0 && ((e & BME_ALL_ONES) != 0 || (off & (cluster - 1)) != 0))) {
        St.addCorruption(); // check_table_entry failed
        continue;
      }
      if (off != 0) St.inc(off, cluster);
    }
    freePages(table, tableBytes);
    table = 0;
    at += (HEADER + <u64>be32(p + BM.BMD_EXTRA_DATA_SIZE) + <u64>be16(p + BM.BMD_NAME_SIZE) + ALIGN - 1) & ~(ALIGN - 1);
  }
  bitmapsFreeAll();
  stage = 2;
  return S.OK;
}

/** Frees the directory and a table, whichever are held (also after a check that stopped early). */
export function bitmapsFreeAll(): void {
  if (dir != 0) freePages(dir, dirBytes);
  if (table != 0) freePages(table, tableBytes);
  dir = 0; table = 0;
}
