// Host offsets in qcow2 table entries (qcow2.txt "Cluster mapping": L1 and L2 entries, bits 9-55;
// refcount table entries, bits 9-63; bitmap table entries, bits 9-55), read from the two big-endian
// 32-bit halves of the entry:
//
//   63      56 55                    32 31                  9 8       0
//   [ flags  ][ offset, high 24 bits   ][ offset, low bits    ][ 0 / flags ]
//
// The low half masked in JS is a signed 32-bit value: `>>> 0` keeps an offset with bit 31 set (a
// cluster at or past 2 GiB) positive instead of negative.
import { L1_RESERVED_HI, L1_RESERVED_LO, OFFSET_HI_MASK, OFFSET_LO_MASK } from '../../../assembly/qcow2/format';

const HI = 2 ** 32;

/** The offset bits 9-55 as a 64-bit mask, for code that reads whole entries with getBigUint64. */
export const OFFSET_MASK_64 = (BigInt(OFFSET_HI_MASK) << 32n) | BigInt(OFFSET_LO_MASK);
/** An L1 entry's reserved bits (0-8 and 56-62). */
export const L1_RESERVED_64 = (BigInt(L1_RESERVED_HI) << 32n) | BigInt(L1_RESERVED_LO);

/** The offset bits 9-55 of an entry given as its high and low 32-bit halves. */
export function entryOffset(hi: number, lo: number): number {
  return (hi & OFFSET_HI_MASK) * HI + ((lo & OFFSET_LO_MASK) >>> 0);
}

/** The offset bits of the entry at byte `at` of `dv` (big-endian). */
export function entryOffsetAt(dv: DataView, at: number): number {
  return entryOffset(dv.getUint32(at), dv.getUint32(at + 4));
}

/** A refcount table entry's offset (bits 9-63: no flag bits in the high half). */
export function refTableOffsetAt(dv: DataView, at: number): number {
  return dv.getUint32(at) * HI + ((dv.getUint32(at + 4) & OFFSET_LO_MASK) >>> 0);
}
