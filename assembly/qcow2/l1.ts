// The active L1 table (qcow2.txt "Cluster mapping"): l1_size u64 entries at l1_table_offset, each
// pointing at an L2 table. Loaded whole (QEMU caps it at 32 MiB) and kept in host byte order.
// Entries are validated when used, as QEMU does, so `check` can open a damaged image and report.
import * as S from '../status';
import * as F from '../fields';
import { fail } from '../errors';
import { allocPages } from '../mem/pages';
import { OP_READ, pushRequest } from '../io/requests';
import { Layer, fileId } from '../layer';
import * as Q from './layout';
import { outside } from './header';

export function loadL1(slot: i32, l: Layer): i32 {
  if (l.l1Size == 0) return S.OK;
  const bytes = <u64>l.l1Size * 8;
  const p = allocPages(bytes);
  if (p == 0) return fail(S.E_NO_MEMORY, slot, F.F_L1_SIZE, Q.H_L1_SIZE, l.l1Size);
  l.l1Ptr = p;
  pushRequest(OP_READ, fileId(slot, false), l.l1Offset, <u32>bytes, p, 0);
  return S.NEED_IO;
}

/** Converts the loaded table to host order once, so lookups are plain loads. */
export function checkL1(slot: i32, l: Layer): i32 {
  for (let i: u32 = 0; i < l.l1Size; i++) {
    const at = l.l1Ptr + (<usize>i << 3);
    store<u64>(at, bswap<u64>(load<u64>(at)));
  }
  return S.OK;
}

/**
 * The L2 table offset for L1 index `i`: 0 when unallocated, or an error code as a negative number
 * when the entry is damaged (reserved bits, unaligned, past the end of the file).
 */
export function l2OffsetAt(slot: i32, l: Layer, i: u64): i64 {
  if (i >= <u64>l.l1Size) return 0;
  const e = load<u64>(l.l1Ptr + (<usize>i << 3));
  const off = e & Q.OFFSET_MASK;
  const cluster = (<u64>1) << l.clusterBits;
  const where = l.l1Offset + i * 8;
  if ((e & Q.L1E_RESERVED) != 0) return -fail(S.E_QCOW2_BAD_L2, slot, F.F_L1_ENTRY, where, e);
  if (off == 0) return 0;
  if ((off & (cluster - 1)) != 0 || outside(l, off, cluster)) return -fail(S.E_QCOW2_BAD_L2, slot, F.F_L1_ENTRY, where, off);
  return <i64>off;
}
