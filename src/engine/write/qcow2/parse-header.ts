// The header cluster of an image being edited, as fields plus its extension records, and the same
// cluster encoded back (qcow2.txt "Header", "Header extensions"): the fixed part is patched in place,
// extensions are re-emitted in their order with the backing format replaced, then the backing name.
import { EXT_BACKING_FORMAT } from './layout.js';
import { VdiskError } from '../../../errors/vdisk-error.js';

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

const u64 = (dv: DataView, at: number) => dv.getUint32(at) * 2 ** 32 + dv.getUint32(at + 4);
function setU64(dv: DataView, at: number, v: number): void { dv.setUint32(at, Math.floor(v / 2 ** 32)); dv.setUint32(at + 4, v >>> 0); }

export function parseHeader(buf: Uint8Array, path: string): ParsedHeader {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.length);
  if (buf.length < 72 || dv.getUint32(0) !== 0x514649fb) throw new VdiskError('E_QCOW2_BAD_MAGIC', undefined, { path });
  const version = dv.getUint32(4);
  const clusterBits = dv.getUint32(20);
  const cs = 2 ** clusterBits;
  const headerLength = version === 3 ? dv.getUint32(100) : 72;
  const incompat = version === 3 ? u64(dv, 72) : 0;
  const backingOff = u64(dv, 8);
  const backingLen = dv.getUint32(16);
  const extensions: ParsedHeader['extensions'] = [];
  let fmt: string | undefined;
  const end = backingOff || cs;
  for (let at = headerLength; at + 8 <= end; ) {
    const type = dv.getUint32(at);
    const len = dv.getUint32(at + 4);
    if (type === 0) break;
    const data = buf.slice(at + 8, at + 8 + len);
    if (type === EXT_BACKING_FORMAT) fmt = new TextDecoder().decode(data);
    else extensions.push({ type, data });
    at += 8 + Math.ceil(len / 8) * 8;
  }
  const name = backingOff ? new TextDecoder().decode(buf.subarray(backingOff, backingOff + backingLen)) : undefined;
  return {
    raw: buf.slice(0, cs), version, clusterBits, size: u64(dv, 24), l1Size: dv.getUint32(36), l1Offset: u64(dv, 40),
    refTableOffset: u64(dv, 48), refTableClusters: dv.getUint32(56), nbSnapshots: dv.getUint32(60), incompat,
    refcountOrder: version === 3 ? dv.getUint32(96) : 4, headerLength, extL2: (incompat & 16) !== 0, extensions,
    backing: name !== undefined ? { name, format: fmt } : undefined,
  };
}

export function encodeEditedHeader(h: ParsedHeader): Uint8Array {
  const cs = 2 ** h.clusterBits;
  const buf = new Uint8Array(cs);
  buf.set(h.raw.subarray(0, h.headerLength));
  const dv = new DataView(buf.buffer);
  setU64(dv, 24, h.size);
  dv.setUint32(36, h.l1Size);
  setU64(dv, 40, h.l1Offset);
  setU64(dv, 48, h.refTableOffset);
  dv.setUint32(56, h.refTableClusters);
  if (h.version === 3) setU64(dv, 72, h.incompat);
  let at = h.headerLength;
  const ext = (type: number, data: Uint8Array) => {
    dv.setUint32(at, type); dv.setUint32(at + 4, data.length);
    buf.set(data, at + 8);
    at += 8 + Math.ceil(data.length / 8) * 8;
  };
  const utf8 = new TextEncoder();
  if (h.backing?.format) ext(EXT_BACKING_FORMAT, utf8.encode(h.backing.format));
  for (const e of h.extensions) ext(e.type, e.data);
  at += 8;
  setU64(dv, 8, 0);
  dv.setUint32(16, 0);
  if (h.backing) {
    const name = utf8.encode(h.backing.name);
    if (at + name.length > cs || name.length > 1023) throw new VdiskError('E_BAD_OPTION', 'backing file name does not fit the header cluster');
    buf.set(name, at);
    setU64(dv, 8, at);
    dv.setUint32(16, name.length);
  }
  return buf;
}
