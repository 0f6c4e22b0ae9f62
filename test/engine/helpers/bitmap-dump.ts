// Reads the persistent bitmaps of a qcow2 file straight from its bytes (qcow2.txt "Bitmaps
// extension"), independently of the engine: name → flags, granularity bits and the bitmap's bits as
// hex, so two images' bitmaps can be compared whatever clusters hold them.
import { readFileSync } from 'node:fs';
import { EXT_BITMAPS, OFFSET_HI_MASK, OFFSET_LO_MASK } from '../../../assembly/qcow2/format';

const OFFSET_MASK = (BigInt(OFFSET_HI_MASK) << 32n) | BigInt(OFFSET_LO_MASK);

export interface DumpedBitmap {
  flags: number;
  granularityBits: number;
  bits: string;
  set: number;
}

export function dumpBitmaps(path: string): Map<string, DumpedBitmap> {
  const b = readFileSync(path);
  const cs = 2 ** b.readUInt32BE(20);
  const size = Number(b.readBigUInt64BE(24));
  const out = new Map<string, DumpedBitmap>();
  for (let at = b.readUInt32BE(100); ; ) {
    const type = b.readUInt32BE(at);
    const len = b.readUInt32BE(at + 4);
    if (type === 0) break;
    if (type === EXT_BITMAPS) {
      let e = Number(b.readBigUInt64BE(at + 24));
      for (let i = 0; i < b.readUInt32BE(at + 8); i++) {
        const table = Number(b.readBigUInt64BE(e));
        const entries = b.readUInt32BE(e + 8);
        const nameLen = b.readUInt16BE(e + 18);
        const extra = b.readUInt32BE(e + 20);
        const gb = b[e + 17]!;
        const bytes = Math.ceil(Math.ceil(size / 2 ** gb) / 8);
        const data = Buffer.alloc(entries * cs);
        for (let j = 0; j < entries; j++) {
          const v = b.readBigUInt64BE(table + j * 8);
          const off = Number(v & OFFSET_MASK);
          if (off) b.copy(data, j * cs, off, off + cs);
          else if (v & 1n) data.fill(0xff, j * cs, (j + 1) * cs);
        }
        const bits = data.subarray(0, bytes);
        let set = 0;
        for (const x of bits) for (let k = 0; k < 8; k++) set += (x >> k) & 1;
        out.set(b.toString('utf8', e + 24 + extra, e + 24 + extra + nameLen), {
          flags: b.readUInt32BE(e + 12),
          granularityBits: gb,
          bits: bits.toString('hex'),
          set,
        });
        e += Math.ceil((24 + extra + nameLen) / 8) * 8;
      }
    }
    at += 8 + Math.ceil(len / 8) * 8;
  }
  return out;
}
