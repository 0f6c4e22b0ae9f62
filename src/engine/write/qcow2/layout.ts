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

export const MAGIC = 0x514649fb;
export const COPIED = 2 ** 63;
export const L2_ENTRY_COPIED_HI = 0x80000000;
export const COMPRESSED_HI = 0x40000000;
export const INCOMPAT_COMPRESSION = 8;
export const INCOMPAT_EXTL2 = 16;
export const COMPAT_LAZY = 1;
export const EXT_BACKING_FORMAT = 0xe2792aca;
export const EXT_FEATURE_TABLE = 0x6803f857;

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

function setU64(dv: DataView, at: number, v: number): void {
  dv.setUint32(at, Math.floor(v / 2 ** 32));
  dv.setUint32(at + 4, v >>> 0);
}

/** The header cluster: fixed header (72 bytes v2, 112 v3), extensions, end marker, backing name. */
export function encodeHeader(p: Qcow2Params, f: HeaderFields): Uint8Array {
  const cluster = 2 ** p.clusterBits;
  const buf = new Uint8Array(cluster);
  const dv = new DataView(buf.buffer);
  const hlen = p.version === 3 ? 112 : 72;
  dv.setUint32(0, MAGIC);
  dv.setUint32(4, p.version);
  dv.setUint32(20, p.clusterBits);
  setU64(dv, 24, f.size);
  dv.setUint32(36, f.l1Size);
  setU64(dv, 40, f.l1Offset);
  setU64(dv, 48, f.refTableOffset);
  dv.setUint32(56, f.refTableClusters);
  if (p.version === 3) {
    setU64(dv, 72, (p.zstd ? INCOMPAT_COMPRESSION : 0) | (p.extL2 ? INCOMPAT_EXTL2 : 0));
    setU64(dv, 80, p.lazyRefcounts ? COMPAT_LAZY : 0);
    setU64(dv, 88, f.autoclear ?? 0);
    dv.setUint32(96, p.refcountOrder);
    dv.setUint32(100, hlen);
    buf[104] = p.zstd ? 1 : 0;
  }
  let at = hlen;
  const ext = (type: number, data: Uint8Array) => {
    dv.setUint32(at, type);
    dv.setUint32(at + 4, data.length);
    buf.set(data, at + 8);
    at += 8 + Math.ceil(data.length / 8) * 8;
  };
  const utf8 = new TextEncoder();
  if (f.backing) ext(EXT_BACKING_FORMAT, utf8.encode(f.backing.format));
  for (const e of f.extensions ?? []) ext(e.type, e.data);
  at += 8; // end marker (type 0, length 0)
  if (f.backing) {
    const name = utf8.encode(f.backing.name);
    if (at + name.length > cluster || name.length > 1023) throw new Error('backing file name does not fit the header cluster');
    buf.set(name, at);
    setU64(dv, 8, at);
    dv.setUint32(16, name.length);
    at += name.length;
  }
  return buf.subarray(0, Math.max(at, hlen));
}
