// The stored refcounts: the refcount table and the refcount blocks it points at (qcow2.txt "Host
// cluster management"), decoded into the stored array for every cluster of the file, as QEMU's
// qcow2_get_refcount would read them; then check_refblocks' own checks of every table entry.
import * as S from '../../status';
import { allocPages, freePages } from '../../mem/pages';
import { OP_READ, pushRequest } from '../../io/requests';
import { Layer, fileId } from '../../layer';
import * as St from './state';

const REFT_OFFSET_MASK: u64 = 0xfffffffffffffe00;
const REFT_RESERVED_MASK: u64 = 0x1ff;

let table: usize = 0;      // the refcount table, big-endian as on disk
let tableBytes: u64 = 0;
let block: usize = 0;      // one refcount block
let next: u64 = 0;         // next table index to decode
let pending: bool = false;

export function reftableEntries(l: Layer): u64 { return tableBytes >> 3; }
@inline export function reftableEntry(i: u64): u64 { return bswap<u64>(load<u64>(table + <usize>(i << 3))); }

/** Reads the refcount table and one block buffer. NEED_IO once. */
export function loadReftable(slot: i32, l: Layer): i32 {
  tableBytes = <u64>l.refTableClusters << l.clusterBits;
  table = allocPages(tableBytes);
  block = allocPages((<u64>1) << l.clusterBits);
  if (table == 0 || block == 0) return S.E_NO_MEMORY;
  memory.fill(table, 0, <usize>tableBytes);
  next = 0;
  pending = false;
  if (tableBytes == 0) return S.OK;
  pushRequest(OP_READ, fileId(slot, false), l.refTableOffset, <u32>tableBytes, table, 0);
  return S.NEED_IO;
}

/** Decodes refcount blocks into the stored array, one block per NEED_IO. */
export function readStored(slot: i32, l: Layer): i32 {
  const cb = l.clusterBits;
  const perBlock: u64 = (<u64>1) << (<u64>cb + 3 - <u64>l.refcountOrder);
  while (next < (tableBytes >> 3) && next * perBlock < St.nbClusters) {
    const e = reftableEntry(next);
    const off = e & REFT_OFFSET_MASK;
    const first = next * perBlock;
    if (off == 0 || off >= l.fileSize) { next++; continue; } // zeros (past the end reads as zeros)
    if ((off & (((<u64>1) << cb) - 1)) != 0) {
      // qcow2_get_refcount: "Refblock offset unaligned" → -EIO for each of its clusters
      for (let k = first; k < first + perBlock && k < St.nbClusters; k++) store<u32>(St.stored + <usize>(k << 2), St.ERR);
      next++;
      continue;
    }
    if (!pending) {
      pending = true;
      pushRequest(OP_READ, fileId(slot, false), off, <u32>((<u64>1) << cb), block, 0);
      return S.NEED_IO;
    }
    pending = false;
    for (let j: u64 = 0; j < perBlock && first + j < St.nbClusters; j++) St.setStored(first + j, refcountIn(l.refcountOrder, j));
    next++;
  }
  return S.OK;
}

/** Entry j of the loaded block, 2^order bits wide (QEMU get_refcount_ro0..ro6). */
function refcountIn(order: u32, j: u64): u64 {
  if (order < 3) {
    const bits: u64 = (<u64>1) << order;
    const b = <u64>load<u8>(block + <usize>((j * bits) >> 3));
    return (b >> ((j * bits) & 7)) & (((<u64>1) << bits) - 1);
  }
  if (order == 3) return <u64>load<u8>(block + <usize>j);
  if (order == 4) return <u64>bswap<u16>(load<u16>(block + <usize>(j << 1)));
  if (order == 5) return <u64>bswap<u32>(load<u32>(block + <usize>(j << 2)));
  return bswap<u64>(load<u64>(block + <usize>(j << 3)));
}

/** check_refblocks: each table entry must be clean, aligned, inside the image and used once. */
export function checkRefblocks(l: Layer): void {
  const cb = l.clusterBits;
  const n = tableBytes >> 3;
  for (let i: u64 = 0; i < n; i++) {
    const e = reftableEntry(i);
    const off = e & REFT_OFFSET_MASK;
    if ((e & REFT_RESERVED_MASK) != 0) { St.addCorruption(); St.needRebuild(); continue; }
    if ((off & (((<u64>1) << cb) - 1)) != 0) { St.addCorruption(); St.needRebuild(); St.addEvent(6, i, 0, 0); continue; }
    if ((off >> cb) >= St.grownClusters()) { St.addCorruption(); continue; } // "refcount block is outside image"
    if (off == 0) continue;
    St.inc(off, (<u64>1) << cb);
    if (St.expectedAt(off >> cb) != 1) { St.addCorruption(); St.needRebuild(); }                   // "ERROR refcount block N refcount=M"
  }
}

export function reftableFree(): void {
  if (table != 0) freePages(table, tableBytes);
  if (block != 0) freePages(block, (<u64>1) << St.clusterBits);
  table = 0;
  block = 0;
}
