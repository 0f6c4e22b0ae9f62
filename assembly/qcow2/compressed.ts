// Compressed clusters (qcow2.txt "Compressed Clusters Descriptor"): with x = 62 - (cluster_bits - 8),
// bits 0..x-1 are the host offset and bits x..61 the number of additional 512-byte sectors; the
// payload is raw deflate or a zstd frame (compression_type) that inflates to one whole cluster.
import * as S from '../status';
import * as F from '../fields';
import { fail } from '../errors';
import { Layer } from '../layer';
import { l2OffsetAt } from './l1';
import { l2Slice, SLICE } from './l2cache';

export let compOffset: u64 = 0;
export let compSize: u64 = 0;

/** Decodes the descriptor of the compressed cluster holding guest offset `pos`. */
export function compressedAt(slot: i32, l: Layer, pos: u64): i32 {
  const cb = l.clusterBits;
  const perL2 = (<u64>1) << l.l2Bits;
  const l2Off = l2OffsetAt(slot, l, pos >> (cb + l.l2Bits));
  if (l2Off <= 0) return l2Off < 0 ? <i32>-l2Off : fail(S.E_QCOW2_BAD_COMPRESSED, slot, F.F_L1_ENTRY, pos, 0);
  const esz: u64 = l.extL2 ? 16 : 8;
  const sliceBytes = min<u64>(SLICE, perL2 * esz);
  const perSlice = sliceBytes / esz;
  const idx = (pos >> cb) & (perL2 - 1);
  const slice = l2Slice(slot, <u64>l2Off + (idx / perSlice) * sliceBytes, <u32>sliceBytes);
  if (slice == 0) return S.NEED_IO;
  const e = bswap<u64>(load<u64>(slice + <usize>((idx % perSlice) * esz)));
  const shift: u64 = 62 - (<u64>cb - 8);
  const off = e & (((<u64>1) << shift) - 1);
  const sectors = ((e >> shift) & (((<u64>1) << (<u64>cb - 8)) - 1)) + 1;
  const size = sectors * 512 - (off & 511);
  if (off == 0 || off >= l.fileSize) {
    return fail(S.E_QCOW2_BAD_COMPRESSED, slot, F.F_COMPRESSED_DESCRIPTOR, <u64>l2Off + idx * esz, e);
  }
  compOffset = off;
  // The sector count rounds up; bytes past the end of the file read as zeros and are not needed.
  compSize = min<u64>(size, l.fileSize - off);
  return S.OK;
}
