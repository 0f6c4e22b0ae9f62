// The header cluster of an image being edited, as fields plus its extension records, and the same
// cluster encoded back (qcow2.txt "Header", "Header extensions"): the fixed part is patched in place,
// extensions are re-emitted in their order with the backing format replaced, then the backing name.
import * as Q from '../../../assembly/qcow2/format';
import { getU64 as u64, setU64 } from './be64.js';
import { VdiskError } from '../../errors/vdisk-error.js';

export interface ParsedHeader {
  raw: Uint8Array; // the header cluster as read
  version: number;
  clusterBits: number;
  size: number;
  l1Size: number;
  l1Offset: number;
  refTableOffset: number;
  refTableClusters: number;
  nbSnapshots: number;
  incompat: number;
  refcountOrder: number;
  headerLength: number;
  extL2: boolean;
  extensions: { type: number; data: Uint8Array }[];
  backing?: { name: string; format?: string };
}

export function parseHeader(buf: Uint8Array, path: string): ParsedHeader {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.length);
  if (buf.length < Q.V2_HEADER_LENGTH || dv.getUint32(Q.H_MAGIC) !== Q.QCOW2_MAGIC)
    throw new VdiskError('E_QCOW2_BAD_MAGIC', undefined, { path });
  const version = dv.getUint32(Q.H_VERSION);
  const clusterBits = dv.getUint32(Q.H_CLUSTER_BITS);
  const cs = 2 ** clusterBits;
  const headerLength = version === 3 ? dv.getUint32(Q.H_HEADER_LENGTH) : Q.V2_HEADER_LENGTH;
  const incompat = version === 3 ? u64(dv, Q.H_INCOMPAT) : 0;
  const backingOff = u64(dv, Q.H_BACKING_OFFSET);
  const backingLen = dv.getUint32(Q.H_BACKING_SIZE);
  const extensions: ParsedHeader['extensions'] = [];
  let fmt: string | undefined;
  const end = backingOff || cs;
  const X = Q.EXT_HEADER_BYTES;
  for (let at = headerLength; at + X <= end; ) {
    const type = dv.getUint32(at);
    const len = dv.getUint32(at + 4);
    if (type === Q.EXT_END) break;
    const data = buf.slice(at + X, at + X + len);
    if (type === Q.EXT_BACKING_FORMAT) fmt = new TextDecoder().decode(data);
    else extensions.push({ type, data });
    at += X + Math.ceil(len / 8) * 8;
  }
  const name = backingOff ? new TextDecoder().decode(buf.subarray(backingOff, backingOff + backingLen)) : undefined;
  return {
    raw: buf.slice(0, cs),
    version,
    clusterBits,
    size: u64(dv, Q.H_SIZE),
    l1Size: dv.getUint32(Q.H_L1_SIZE),
    l1Offset: u64(dv, Q.H_L1_OFFSET),
    refTableOffset: u64(dv, Q.H_REFTABLE_OFFSET),
    refTableClusters: dv.getUint32(Q.H_REFTABLE_CLUSTERS),
    nbSnapshots: dv.getUint32(Q.H_NB_SNAPSHOTS),
    incompat,
    refcountOrder: version === 3 ? dv.getUint32(Q.H_REFCOUNT_ORDER) : Q.V2_REFCOUNT_ORDER,
    headerLength,
    extL2: (incompat & Q.INCOMPAT_EXTL2) !== 0,
    extensions,
    backing: name !== undefined ? { name, format: fmt } : undefined,
  };
}

export function encodeEditedHeader(h: ParsedHeader): Uint8Array {
  const cs = 2 ** h.clusterBits;
  const buf = new Uint8Array(cs);
  buf.set(h.raw.subarray(0, h.headerLength));
  const dv = new DataView(buf.buffer);
  setU64(dv, Q.H_SIZE, h.size);
  dv.setUint32(Q.H_L1_SIZE, h.l1Size);
  setU64(dv, Q.H_L1_OFFSET, h.l1Offset);
  setU64(dv, Q.H_REFTABLE_OFFSET, h.refTableOffset);
  dv.setUint32(Q.H_REFTABLE_CLUSTERS, h.refTableClusters);
  if (h.version === 3) setU64(dv, Q.H_INCOMPAT, h.incompat);
  let at = h.headerLength;
  const ext = (type: number, data: Uint8Array) => {
    dv.setUint32(at, type);
    dv.setUint32(at + 4, data.length);
    buf.set(data, at + Q.EXT_HEADER_BYTES);
    at += Q.EXT_HEADER_BYTES + Math.ceil(data.length / 8) * 8;
  };
  const utf8 = new TextEncoder();
  if (h.backing?.format) ext(Q.EXT_BACKING_FORMAT, utf8.encode(h.backing.format));
  for (const e of h.extensions) ext(e.type, e.data);
  at += Q.EXT_HEADER_BYTES; // end marker
  setU64(dv, Q.H_BACKING_OFFSET, 0);
  dv.setUint32(Q.H_BACKING_SIZE, 0);
  if (h.backing) {
    const name = utf8.encode(h.backing.name);
    if (at + name.length > cs || name.length > Q.MAX_BACKING_NAME)
      throw new VdiskError('E_BAD_OPTION', 'backing file name does not fit the header cluster');
    buf.set(name, at);
    setU64(dv, Q.H_BACKING_OFFSET, at);
    dv.setUint32(Q.H_BACKING_SIZE, name.length);
  }
  return buf;
}
