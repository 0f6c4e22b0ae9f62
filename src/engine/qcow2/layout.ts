// Where a new qcow2 image puts its structures (QEMU docs/interop/qcow2.txt: "Header", "Host cluster
// management", "Cluster mapping"). Every table starts on a cluster boundary:
//
//   host cluster 0      header, header extensions, backing file name      ← written last
//   clusters 1..        L1 table (l1_size × 8 bytes)
//   [preallocation=metadata: every L2 table, then one data cluster per guest cluster]
//   then, appended in guest order while copying: data clusters, compressed pieces, L2 tables
//   at the end          refcount blocks, then the refcount table (they count themselves)
//
// Metadata written before the header is unreachable until the header points at it, so a process
// killed mid-way leaves an image that reads as it did (or, for a new file, no image at all).
import type { Qcow2Params } from './options.js';
import * as Q from '../../../assembly/qcow2/format';
import { setU64 } from './be64.js';

export interface Geometry {
  cluster: number;
  /** Entries per L2 table (cluster/8, or cluster/16 with extended L2). */
  perL2: number;
  entryBytes: 8 | 16;
  l1Size: number;
  l1Offset: number;
  /** First host byte after header and L1: where appending starts. */
  dataStart: number;
}

/** `first`: host cluster of the L1 table (past an image being replaced in the same file, see writer.ts). */
export function geometry(p: Qcow2Params, size: number, first = 1): Geometry {
  const cluster = 2 ** p.clusterBits;
  const entryBytes = p.extL2 ? 16 : 8;
  const perL2 = cluster / entryBytes;
  const l1Size = Math.ceil(size / (cluster * perL2));
  const l1Clusters = Math.max(1, Math.ceil((l1Size * 8) / cluster));
  return { cluster, perL2, entryBytes, l1Size, l1Offset: cluster * first, dataStart: cluster * (first + l1Clusters) };
}

export interface HeaderFields {
  size: number;
  l1Size: number;
  l1Offset: number;
  refTableOffset: number;
  refTableClusters: number;
  backing?: { name: string; format: string };
  /** Extra extensions (type, bytes) written before the end marker, e.g. bitmaps. */
  extensions?: { type: number; data: Uint8Array }[];
  autoclear?: number;
}

/** The header cluster: fixed header (72 bytes v2, 112 v3), extensions, end marker, backing name. */
export function encodeHeader(p: Qcow2Params, f: HeaderFields): Uint8Array {
  const cluster = 2 ** p.clusterBits;
  const buf = new Uint8Array(cluster);
  const dv = new DataView(buf.buffer);
  const hlen = p.version === 3 ? Q.V3_HEADER_LENGTH : Q.V2_HEADER_LENGTH;
  dv.setUint32(Q.H_MAGIC, Q.QCOW2_MAGIC);
  dv.setUint32(Q.H_VERSION, p.version);
  dv.setUint32(Q.H_CLUSTER_BITS, p.clusterBits);
  setU64(dv, Q.H_SIZE, f.size);
  dv.setUint32(Q.H_L1_SIZE, f.l1Size);
  setU64(dv, Q.H_L1_OFFSET, f.l1Offset);
  setU64(dv, Q.H_REFTABLE_OFFSET, f.refTableOffset);
  dv.setUint32(Q.H_REFTABLE_CLUSTERS, f.refTableClusters);
  if (p.version === 3) {
    setU64(dv, Q.H_INCOMPAT, (p.zstd ? Q.INCOMPAT_COMPRESSION : 0) | (p.extL2 ? Q.INCOMPAT_EXTL2 : 0));
    setU64(dv, Q.H_COMPAT, p.lazyRefcounts ? Q.COMPAT_LAZY_REFCOUNTS : 0);
    setU64(dv, Q.H_AUTOCLEAR, f.autoclear ?? 0);
    dv.setUint32(Q.H_REFCOUNT_ORDER, p.refcountOrder);
    dv.setUint32(Q.H_HEADER_LENGTH, hlen);
    buf[Q.H_COMPRESSION_TYPE] = p.zstd ? Q.COMPRESSION_ZSTD : Q.COMPRESSION_ZLIB;
  }
  let at = hlen;
  const ext = (type: number, data: Uint8Array) => {
    dv.setUint32(at, type);
    dv.setUint32(at + 4, data.length);
    buf.set(data, at + Q.EXT_HEADER_BYTES);
    at += Q.EXT_HEADER_BYTES + Math.ceil(data.length / 8) * 8;
  };
  const utf8 = new TextEncoder();
  if (f.backing) ext(Q.EXT_BACKING_FORMAT, utf8.encode(f.backing.format));
  for (const e of f.extensions ?? []) ext(e.type, e.data);
  at += Q.EXT_HEADER_BYTES; // end marker (type 0, length 0)
  if (f.backing) {
    const name = utf8.encode(f.backing.name);
    if (at + name.length > cluster || name.length > Q.MAX_BACKING_NAME)
      throw new Error('backing file name does not fit the header cluster');
    buf.set(name, at);
    setU64(dv, Q.H_BACKING_OFFSET, at);
    dv.setUint32(Q.H_BACKING_SIZE, name.length);
    at += name.length;
  }
  return buf.subarray(0, Math.max(at, hlen));
}
