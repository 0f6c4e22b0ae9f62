// Persistent bitmaps of a source qcow2 layer (qcow2.txt "Bitmaps extension", "Bitmap directory",
// "Bitmap table"), read for `convert --bitmaps`. The directory is small and read whole; bitmap data is
// read on demand as a byte range of the serialized bitmap (bit i = guest granule i, LSB first).
//
//   extension EXT_BITMAPS: nb_bitmaps u32 · reserved u32 · directory_size u64 · directory_offset u64
//   directory entry: table_offset u64 · table_size u32 · flags u32 · type u8 · granularity_bits u8
//                    · name_size u16 · extra_data_size u32 · extra data · name · pad to 8
//   table entry u64: bits 9..55 data cluster offset; offset 0 → bit 0 says all ones (1) or zeros (0)
import type { ImageSource } from '../../io/source.js';
import { parseHeader } from './parse-header.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import { entryOffsetAt } from './host-offset.js';
import { BME_AUTO, BME_IN_USE, EXT_BITMAPS, H_AUTOCLEAR } from '../../../assembly/qcow2/format';

export { BME_AUTO, BME_IN_USE, EXT_BITMAPS };
const HI = 2 ** 32;
const MAX_TABLE = 0x8000000; // BME_MAX_TABLE_SIZE

export interface SourceBitmap {
  name: string;
  flags: number;
  type: number;
  granularityBits: number;
  /** Host offsets of the data clusters; 0 = not stored (all zeros), -1 = all ones. */
  table: number[];
}

export interface SourceBitmaps {
  clusterSize: number;
  size: number;
  list: SourceBitmap[];
}

/** The bitmaps of a qcow2 image file, or none when it has no (consistent) bitmaps extension. */
export async function readBitmaps(src: ImageSource): Promise<SourceBitmaps> {
  const head = new Uint8Array(Math.min(src.size, 2 * 1024 * 1024));
  await src.pread(head, 0);
  const h = parseHeader(head, src.name);
  const cs = 2 ** h.clusterBits;
  const out: SourceBitmaps = { clusterSize: cs, size: h.size, list: [] };
  const autoclear = h.version === 3 ? new DataView(head.buffer).getUint32(H_AUTOCLEAR + 4) : 0; // the u64's low word
  const ext = h.extensions.find((e) => e.type === EXT_BITMAPS);
  if (!ext || (autoclear & 1) === 0) return out; // no bitmaps, or a v2 writer made them stale
  const ev = new DataView(ext.data.buffer, ext.data.byteOffset, ext.data.length);
  const count = ev.getUint32(0);
  const dirSize = ev.getUint32(8) * HI + ev.getUint32(12);
  const dirOff = ev.getUint32(16) * HI + ev.getUint32(20);
  if (dirSize > 64 << 20)
    throw new VdiskError('E_QCOW2_BAD_EXTENSION', 'bitmap directory too large', { path: src.name, offset: dirOff });
  if (dirOff + dirSize > src.size)
    throw new VdiskError('E_QCOW2_BAD_BITMAPS', 'bitmap directory past the end of the file', {
      path: src.name,
      offset: dirOff,
    });
  const dir = new Uint8Array(dirSize);
  await src.pread(dir, dirOff);
  const dv = new DataView(dir.buffer);
  for (let i = 0, at = 0; i < count && at + 24 <= dirSize; i++) {
    const tableOff = dv.getUint32(at) * HI + dv.getUint32(at + 4);
    const n = dv.getUint32(at + 8);
    const nameLen = dv.getUint16(at + 18);
    const extra = dv.getUint32(at + 20);
    const name = new TextDecoder().decode(dir.subarray(at + 24 + extra, at + 24 + extra + nameLen));
    // As the engine's directory check (assembly/qcow2/bitmaps.ts): a table of 1..2^27 entries,
    // cluster-aligned, inside the file; a hostile size must not size an allocation.
    if (n === 0 || n > MAX_TABLE || tableOff === 0 || tableOff % cs !== 0 || tableOff + n * 8 > src.size) {
      throw new VdiskError('E_QCOW2_BAD_BITMAPS', `bitmap ${i}: table of ${n} entries at ${tableOff} is invalid`, {
        path: src.name,
        offset: dirOff + at,
      });
    }
    const tb = new Uint8Array(n * 8);
    await src.pread(tb, tableOff);
    const tv = new DataView(tb.buffer);
    const table: number[] = [];
    for (let j = 0; j < n; j++) {
      const off = entryOffsetAt(tv, j * 8);
      table.push(off !== 0 ? off : tv.getUint32(j * 8 + 4) & 1 ? -1 : 0);
    }
    out.list.push({ name, flags: dv.getUint32(at + 12), type: dir[at + 16]!, granularityBits: dir[at + 17]!, table });
    at += Math.ceil((24 + extra + nameLen) / 8) * 8;
  }
  return out;
}

/** Bytes [from, from + buf.length) of the serialized bitmap. */
export async function bitmapBytes(
  src: ImageSource,
  bm: SourceBitmap,
  cs: number,
  from: number,
  buf: Uint8Array,
): Promise<void> {
  for (let done = 0; done < buf.length; ) {
    const at = from + done;
    const j = Math.floor(at / cs);
    const n = Math.min(buf.length - done, (j + 1) * cs - at);
    const e = bm.table[j] ?? 0;
    const part = buf.subarray(done, done + n);
    if (e === 0) part.fill(0);
    else if (e === -1) part.fill(0xff);
    else {
      part.fill(0);
      await src.pread(part, e + (at - j * cs));
    }
    done += n;
  }
}
