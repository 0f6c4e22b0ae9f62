// One L1 table and its L2 tables, as QEMU's check_refcounts_l1 / check_refcounts_l2 walk them:
// every table and every host cluster an entry uses gets +1; malformed entries are corruptions. For
// the active table it also gathers fragmentation info (CHECK_FRAG_INFO) and does check_oflag_copied.
import * as S from '../../status';
import { allocPages, freePages } from '../../mem/pages';
import { OP_READ, pushRequest } from '../../io/requests';
import { Layer, fileId } from '../../layer';
import * as Q from '../layout';
import * as St from './state';

const L2E_STD_RESERVED: u64 = 0x3f000000000001fe;
const BITMAP_ALL_ALLOC: u64 = 0xffffffff;

let l1: usize = 0;        // host order
let l1Count: u64 = 0;
let idx: u64 = 0;
let active: bool = false;
let l2: usize = 0;
let l2Bytes: u64 = 0;
let pending: bool = false;

/** Starts a walk over `count` host-order entries at `table` (owned by the caller). */
export function walkStart(l: Layer, table: usize, count: u64, isActive: bool): bool {
  if (l2 == 0) { l2Bytes = (<u64>1) << l.clusterBits; l2 = allocPages(l2Bytes); }
  l1 = table; l1Count = count; idx = 0; active = isActive; pending = false;
  return l2 != 0;
}

/** Frees the L2 buffer, also after a check that stopped early (the next may have larger clusters). */
export function walkFree(): void {
  if (l2 != 0) freePages(l2, l2Bytes);
  l2 = 0;
}

/** Advances the walk; NEED_IO while an L2 table is being read, OK when done. */
export function walkStep(slot: i32, l: Layer): i32 {
  const cluster = (<u64>1) << l.clusterBits;
  while (idx < l1Count) {
    const e = load<u64>(l1 + <usize>(idx << 3));
    if (e == 0) { idx++; continue; }
    const off = e & Q.OFFSET_MASK;
    if (!pending) {
      if ((e & Q.L1E_RESERVED) != 0) St.addCorruption();  // "L1 entry with reserved bits set"
      St.inc(off, cluster);                                  // the L2 table itself
      if ((off & (cluster - 1)) != 0) { St.addCorruption(); St.addEvent(4, off, 0, 0); } // "Table is not cluster aligned"
      if (off < l.fileSize) {
        pending = true;
        pushRequest(OP_READ, fileId(slot, false), off, <u32>cluster, l2, 0);
        return S.NEED_IO;
      }
      memory.fill(l2, 0, <usize>cluster); // past the end of the file reads as zeros
    }
    pending = false;
    checkL2(l, cluster, off);
    if (active) oflagCopied(l, e, off, cluster, idx);
    idx++;
  }
  return S.OK;
}

/** check_refcounts_l2 over the loaded table (read from file offset l2off). */
function checkL2(l: Layer, cluster: u64, l2off: u64): void {
  const esz: u64 = l.extL2 ? 16 : 8;
  const n = cluster / esz;
  const dataFile = l.hasDataFile != 0;
  let nextContiguous: u64 = 0;
  for (let i: u64 = 0; i < n; i++) {
    const p = l2 + <usize>(i * esz);
    const e = bswap<u64>(load<u64>(p));
    const bitmap = l.extL2 ? bswap<u64>(load<u64>(p + 8)) : 0;
    if ((e & Q.OFLAG_COMPRESSED) != 0) {
      if ((e & Q.OFLAG_COPIED) != 0) St.addCorruption();     // copied flag never set for compressed
      if (dataFile || bitmap != 0) { St.addCorruption(); continue; }
      const shift: u64 = 62 - (<u64>l.clusterBits - 8);      // qcow2_parse_compressed_l2_entry
      const coff = e & (((<u64>1) << shift) - 1);
      const sectors = ((e >> shift) & (((<u64>1) << (<u64>l.clusterBits - 8)) - 1)) + 1;
      St.inc(coff, sectors * 512 - (coff & 511));
      if (active) St.addFrag(1, 1, 1);                       // compressed clusters count as fragmented
      continue;
    }
    if ((e & L2E_STD_RESERVED) != 0) St.addCorruption();    // "l2 entry with reserved bits set"
    const off = e & Q.OFFSET_MASK;
    const zero = (e & Q.OFLAG_ZERO) != 0 && !l.extL2;
    const normal = off != 0 || (!zero && dataFile && (e & Q.OFLAG_COPIED) != 0);
    if (!normal) { // ZERO_PLAIN or UNALLOCATED
      if (!zero && (bitmap & BITMAP_ALL_ALLOC) != 0) St.addCorruption();
      continue;
    }
    if (((bitmap >> 32) & bitmap) != 0) St.addCorruption(); // corrupted subcluster allocation bitmap
    if ((off & (cluster - 1)) != 0) {
      St.addCorruption(); // "Preallocated cluster is not properly aligned" / "Data cluster is not ..."
      // No data in it (zero flag, or no allocated subcluster): `-r all` makes it a plain zero cluster.
      const data = l.extL2 ? (bitmap & BITMAP_ALL_ALLOC) != 0 : (e & Q.OFLAG_ZERO) == 0;
      St.addEvent(data ? 5 : 7, off, 0, 0);
      if (!data) St.addZeroFix(l2off + i * esz);
    }
    if (active) {
      St.addFrag(1, nextContiguous != 0 && off != nextContiguous ? 1 : 0, 0);
      nextContiguous = off + cluster;
    }
    if (!dataFile) St.inc(off, cluster);
  }
}

/** check_oflag_copied: COPIED must be set exactly when the stored refcount is 1. */
function oflagCopied(l: Layer, l1e: u64, l2off: u64, cluster: u64, l1Index: u64): void {
  const r = St.storedAt(l2off >> l.clusterBits);
  if (r == St.ERR) return; // qcow2_get_refcount failed: QEMU skips the table silently
  if ((r == 1) != ((l1e & Q.OFLAG_COPIED) != 0)) { St.addOflagCorruption(); St.addEvent(2, l1Index, l1e, <u64>r); }
  const esz: u64 = l.extL2 ? 16 : 8;
  const n = cluster / esz;
  for (let i: u64 = 0; i < n; i++) {
    const e = bswap<u64>(load<u64>(l2 + <usize>(i * esz)));
    if ((e & Q.OFLAG_COMPRESSED) != 0) continue;
    const off = e & Q.OFFSET_MASK;
    const dataFile = l.hasDataFile != 0;
    const zero = (e & Q.OFLAG_ZERO) != 0 && !l.extL2;
    const normal = off != 0 || (!zero && dataFile && (e & Q.OFLAG_COPIED) != 0);
    if (!normal) continue; // ZERO_PLAIN, UNALLOCATED
    const rc: u32 = dataFile ? 1 : St.storedAt(off >> l.clusterBits);
    if (rc == St.ERR) continue;
    if ((rc == 1) != ((e & Q.OFLAG_COPIED) != 0)) { St.addOflagCorruption(); St.addEvent(3, e, <u64>rc, 0); }
  }
}
