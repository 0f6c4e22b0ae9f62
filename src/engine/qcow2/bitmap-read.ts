// Persistent bitmaps of a source qcow2 layer (qcow2.txt "Bitmaps extension", "Bitmap directory",
// "Bitmap table"), read for `convert --bitmaps`. The directory is small and read whole; bitmap data is
// read on demand as a byte range of the serialized bitmap (bit i = guest granule i, LSB first).
//
// The extension and directory entry fields are drawn and named in assembly/qcow2/bitmap-format.ts.
//   table entry u64: bits 9..55 data cluster offset; offset 0 → bit 0 says all ones (1) or zeros (0)
import type { ImageSource } from '../../io/source.js';
import { parseHeader } from './parse-header.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import { entryOffsetAt } from './host-offset.js';
import { getU64, getU64Low } from './be64.js';
import { AUTOCLEAR_BITMAPS, BME_AUTO, BME_IN_USE, EXT_BITMAPS, H_AUTOCLEAR } from '../../../assembly/qcow2/format';
import {
  BMD_ALIGN,
  BMD_EXTRA_DATA_SIZE,
  BMD_FLAGS,
  BMD_GRANULARITY_BITS,
  BMD_HEADER_BYTES,
  BMD_NAME_SIZE,
  BMD_BITMAP_TABLE_OFFSET,
  BMD_BITMAP_TABLE_SIZE,
  BMD_TYPE,
  BME_MAX_TABLE_SIZE,
  BMT_ALL_ONES,
  BMT_ENTRY_BYTES,
  BMX_BITMAP_DIRECTORY_OFFSET,
  BMX_BITMAP_DIRECTORY_SIZE,
  BMX_NB_BITMAPS,
} from '../../../assembly/qcow2/bitmap-format';

export { BME_AUTO, BME_IN_USE, EXT_BITMAPS };

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
  const autoclear = h.version === 3 ? getU64Low(new DataView(head.buffer), H_AUTOCLEAR) : 0;
  const ext = h.extensions.find((e) => e.type === EXT_BITMAPS);
  if (!ext || (autoclear & AUTOCLEAR_BITMAPS) === 0) return out; // no bitmaps, or a v2 writer made them stale
  const ev = new DataView(ext.data.buffer, ext.data.byteOffset, ext.data.length);
  const count = ev.getUint32(BMX_NB_BITMAPS);
  const dirSize = getU64(ev, BMX_BITMAP_DIRECTORY_SIZE);
  const dirOff = getU64(ev, BMX_BITMAP_DIRECTORY_OFFSET);
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
  for (let i = 0, at = 0; i < count && at + BMD_HEADER_BYTES <= dirSize; i++) {
    const tableOff = getU64(dv, at + BMD_BITMAP_TABLE_OFFSET);
    const n = dv.getUint32(at + BMD_BITMAP_TABLE_SIZE);
    const nameLen = dv.getUint16(at + BMD_NAME_SIZE);
    const extra = dv.getUint32(at + BMD_EXTRA_DATA_SIZE);
    const nameAt = at + BMD_HEADER_BYTES + extra;
    const name = new TextDecoder().decode(dir.subarray(nameAt, nameAt + nameLen));
    // As the engine's directory check (assembly/qcow2/bitmaps.ts): a table of 1..2^27 entries,
    // cluster-aligned, inside the file; a hostile size must not size an allocation.
    if (
      n === 0 ||
      n > BME_MAX_TABLE_SIZE ||
      tableOff === 0 ||
      tableOff % cs !== 0 ||
      tableOff + n * BMT_ENTRY_BYTES > src.size
    ) {
      throw new VdiskError('E_QCOW2_BAD_BITMAPS', `bitmap ${i}: table of ${n} entries at ${tableOff} is invalid`, {
        path: src.name,
        offset: dirOff + at,
      });
    }
    const tb = new Uint8Array(n * BMT_ENTRY_BYTES);
    await src.pread(tb, tableOff);
    const tv = new DataView(tb.buffer);
    const table: number[] = [];
    for (let j = 0; j < n; j++) {
      const e = j * BMT_ENTRY_BYTES;
      const off = entryOffsetAt(tv, e);
      table.push(off !== 0 ? off : getU64Low(tv, e) & BMT_ALL_ONES ? -1 : 0);
    }
    const flags = dv.getUint32(at + BMD_FLAGS);
    out.list.push({ name, flags, type: dir[at + BMD_TYPE]!, granularityBits: dir[at + BMD_GRANULARITY_BITS]!, table });
    at += Math.ceil((BMD_HEADER_BYTES + extra + nameLen) / BMD_ALIGN) * BMD_ALIGN;
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
