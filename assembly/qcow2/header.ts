// Parses and validates the fixed qcow2 header (qcow2.txt "Header") into a Layer. Every size field is
// checked against the file and QEMU's own limits before anything is allocated from it.
import { be32, be64 } from '../util/be';
import { fail } from '../errors';
import * as S from '../status';
import * as F from '../fields';
import * as Q from './layout';
import { Layer } from '../layer';

/** Bytes of header the fixed part needs before extensions: 72 for v2, header_length for v3. */
export function parseFixedHeader(slot: i32, l: Layer, p: usize, have: u64): i32 {
  if (have < 72) return fail(S.E_TRUNCATED, slot, F.F_HEADER, 0, have);
  if (be32(p) != Q.QCOW2_MAGIC) return fail(S.E_QCOW2_BAD_MAGIC, slot, F.F_MAGIC, 0, be32(p));
  const version = be32(p + Q.H_VERSION);
  if (version != 2 && version != 3) return fail(S.E_QCOW2_BAD_VERSION, slot, F.F_VERSION, Q.H_VERSION, version);
  l.version = version;
  const bits = be32(p + Q.H_CLUSTER_BITS);
  if (bits < 9 || bits > 21) return fail(S.E_QCOW2_BAD_CLUSTER_BITS, slot, F.F_CLUSTER_BITS, Q.H_CLUSTER_BITS, bits);
  l.clusterBits = bits;
  const cluster = (<u64>1) << bits;
  if (version == 2) {
    l.headerLength = Q.V2_HEADER_LENGTH;
    l.refcountOrder = 4;
  } else {
    if (have < Q.V3_MIN_HEADER_LENGTH) return fail(S.E_TRUNCATED, slot, F.F_HEADER, 0, have);
    const hl = be32(p + Q.H_HEADER_LENGTH);
    if (hl < Q.V3_MIN_HEADER_LENGTH || <u64>hl > cluster || (hl & 7) != 0) {
      return fail(S.E_QCOW2_BAD_HEADER_LENGTH, slot, F.F_HEADER_LENGTH, Q.H_HEADER_LENGTH, hl);
    }
    if (<u64>hl > have) return fail(S.E_TRUNCATED, slot, F.F_HEADER_LENGTH, Q.H_HEADER_LENGTH, hl);
    l.headerLength = hl;
    l.incompat = be64(p + Q.H_INCOMPAT);
    l.compat = be64(p + Q.H_COMPAT);
    l.autoclear = be64(p + Q.H_AUTOCLEAR);
    l.refcountOrder = be32(p + Q.H_REFCOUNT_ORDER);
  }
  const crypt = be32(p + Q.H_CRYPT_METHOD);
  if (crypt != 0) return fail(S.E_QCOW2_ENCRYPTED, slot, F.F_CRYPT_METHOD, Q.H_CRYPT_METHOD, crypt);
  const unknown = l.incompat & ~Q.INCOMPAT_KNOWN;
  if (unknown != 0) return fail(S.E_QCOW2_UNKNOWN_INCOMPATIBLE, slot, F.F_INCOMPATIBLE_FEATURES, Q.H_INCOMPAT, unknown);
  if (l.refcountOrder > 6) return fail(S.E_QCOW2_BAD_REFCOUNT_ORDER, slot, F.F_REFCOUNT_ORDER, Q.H_REFCOUNT_ORDER, l.refcountOrder);
  if ((l.incompat & Q.INCOMPAT_EXTL2) != 0) {
    if (bits < 14) return fail(S.E_QCOW2_EXTENDED_L2_SMALL_CLUSTER, slot, F.F_CLUSTER_BITS, Q.H_CLUSTER_BITS, bits);
    l.extL2 = 1;
  }
  l.l2Bits = bits - (l.extL2 ? 4 : 3);
  if (<usize>l.headerLength > Q.H_COMPRESSION_TYPE) {
    const ct = <u32>load<u8>(p + Q.H_COMPRESSION_TYPE);
    if (ct > 1 || (ct != 0 && (l.incompat & Q.INCOMPAT_COMPRESSION) == 0)) {
      return fail(S.E_QCOW2_BAD_COMPRESSION_TYPE, slot, F.F_COMPRESSION_TYPE, Q.H_COMPRESSION_TYPE, ct);
    }
    l.compressionType = ct;
  } else if ((l.incompat & Q.INCOMPAT_COMPRESSION) != 0) {
    return fail(S.E_QCOW2_BAD_HEADER_LENGTH, slot, F.F_HEADER_LENGTH, Q.H_HEADER_LENGTH, l.headerLength);
  }
  return parseTables(slot, l, p);
}

function parseTables(slot: i32, l: Layer, p: usize): i32 {
  const cluster = (<u64>1) << l.clusterBits;
  const size = be64(p + Q.H_SIZE);
  if (size > Q.MAX_VIRTUAL_SIZE) return fail(S.E_QCOW2_BAD_SIZE, slot, F.F_SIZE, Q.H_SIZE, size);
  l.size = size;
  const l1Size = be32(p + Q.H_L1_SIZE);
  const l1Off = be64(p + Q.H_L1_OFFSET);
  const needL1 = l1EntriesFor(l, size);
  if (<u64>l1Size * 8 > Q.MAX_L1_BYTES) return fail(S.E_QCOW2_BAD_L1, slot, F.F_L1_SIZE, Q.H_L1_SIZE, l1Size);
  if (<u64>l1Size < needL1) return fail(S.E_QCOW2_BAD_L1, slot, F.F_L1_SIZE, Q.H_L1_SIZE, l1Size);
  if (l1Size > 0 && ((l1Off & (cluster - 1)) != 0 || outside(l, l1Off, <u64>l1Size * 8))) {
    return fail(S.E_QCOW2_BAD_L1, slot, F.F_L1_TABLE_OFFSET, Q.H_L1_OFFSET, l1Off);
  }
  l.l1Size = l1Size;
  l.l1Offset = l1Off;
  const rtOff = be64(p + Q.H_REFTABLE_OFFSET);
  const rtClusters = be32(p + Q.H_REFTABLE_CLUSTERS);
  if (<u64>rtClusters * cluster > Q.MAX_REFTABLE_BYTES) {
    return fail(S.E_QCOW2_BAD_REFCOUNT_TABLE, slot, F.F_REFCOUNT_TABLE_CLUSTERS, Q.H_REFTABLE_CLUSTERS, rtClusters);
  }
  if ((rtOff & (cluster - 1)) != 0 || outside(l, rtOff, <u64>rtClusters * cluster)) {
    return fail(S.E_QCOW2_BAD_REFCOUNT_TABLE, slot, F.F_REFCOUNT_TABLE_OFFSET, Q.H_REFTABLE_OFFSET, rtOff);
  }
  l.refTableOffset = rtOff;
  l.refTableClusters = rtClusters;
  const nbSnap = be32(p + Q.H_NB_SNAPSHOTS);
  const snapOff = be64(p + Q.H_SNAPSHOTS_OFFSET);
  if (nbSnap > Q.MAX_SNAPSHOTS) return fail(S.E_QCOW2_BAD_SNAPSHOT_TABLE, slot, F.F_NB_SNAPSHOTS, Q.H_NB_SNAPSHOTS, nbSnap);
  if (nbSnap > 0 && ((snapOff & (cluster - 1)) != 0 || outside(l, snapOff, <u64>nbSnap * 40))) {
    return fail(S.E_QCOW2_BAD_SNAPSHOT_TABLE, slot, F.F_SNAPSHOTS_OFFSET, Q.H_SNAPSHOTS_OFFSET, snapOff);
  }
  l.nbSnapshots = nbSnap;
  l.snapshotsOffset = snapOff;
  const bOff = be64(p + Q.H_BACKING_OFFSET);
  const bSize = be32(p + Q.H_BACKING_SIZE);
  if (bOff != 0) {
    if (bSize > Q.MAX_BACKING_NAME) return fail(S.E_QCOW2_BAD_BACKING_NAME, slot, F.F_BACKING_FILE_SIZE, Q.H_BACKING_SIZE, bSize);
    if (bOff < <u64>l.headerLength || bOff + bSize > cluster || bOff + bSize > l.fileSize) {
      return fail(S.E_QCOW2_BAD_BACKING_NAME, slot, F.F_BACKING_FILE_OFFSET, Q.H_BACKING_OFFSET, bOff);
    }
    l.backingOffset = bOff;
    l.backingNameLen = bSize;
  }
  return S.OK;
}

/** L1 entries needed to map `size` bytes: one per L2 table's worth of clusters. */
export function l1EntriesFor(l: Layer, size: u64): u64 {
  const perL1 = (<u64>1) << (l.clusterBits + l.l2Bits);
  return (size + perL1 - 1) >> (l.clusterBits + l.l2Bits);
}

/** True when [off, off+len) is not wholly inside the image file. */
@inline export function outside(l: Layer, off: u64, len: u64): bool {
  return off > l.fileSize || len > l.fileSize - off;
}

/** Bytes of the first cluster the extensions and backing name can occupy (QEMU's ext_end). */
export function headerAreaEnd(l: Layer, have: u64): u64 {
  const cluster = (<u64>1) << l.clusterBits;
  let end = l.backingOffset != 0 ? l.backingOffset + l.backingNameLen : cluster;
  if (end > cluster) end = cluster;
  if (end > l.fileSize) end = l.fileSize;
  return end > have ? end : have;
}
