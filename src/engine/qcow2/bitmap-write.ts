// Persistent bitmaps carried into a new qcow2 v3 image (`convert --bitmaps`), as qemu-img's
// convert_copy_bitmaps leaves them: same names, order, granularity and bits; the auto flag kept (an
// enabled bitmap stays enabled), in_use clear. Written after the guest data and before the header
// (qcow2.txt "Bitmaps extension"): data clusters, each bitmap table, the directory; then the header
// gets the extension and autoclear bit 0 ("bitmaps extension data is consistent").
//
//   directory entry (fields in assembly/qcow2/bitmap-format.ts): type 1, extra_data_size 0, then the
//                    name, padded to 8
//   table entry u64: data cluster offset, or 0 for a cluster of zeros (QEMU never stores those)
import type { ImageSource } from '../../io/source.js';
import type { ImageTarget } from '../../io/target.js';
import type { Sink } from '../copy/sink.js';
import type { Qcow2Writer, WriterOptions } from './writer.js';
import {
  BME_AUTO,
  BME_IN_USE,
  EXT_BITMAPS,
  bitmapBytes,
  type SourceBitmap,
  type SourceBitmaps,
} from './bitmap-read.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import { setU64 } from './be64.js';
import { AUTOCLEAR_BITMAPS } from '../../../assembly/qcow2/format';
import {
  BMD_ALIGN,
  BMD_FLAGS,
  BMD_GRANULARITY_BITS,
  BMD_HEADER_BYTES,
  BMD_NAME_SIZE,
  BMD_BITMAP_TABLE_OFFSET,
  BMD_BITMAP_TABLE_SIZE,
  BMD_TYPE,
  BME_TYPE_DIRTY_TRACKING,
  BMT_ENTRY_BYTES,
  BMX_BYTES,
  BMX_BITMAP_DIRECTORY_OFFSET,
  BMX_BITMAP_DIRECTORY_SIZE,
  BMX_NB_BITMAPS,
} from '../../../assembly/qcow2/bitmap-format';

/** The bitmaps to carry: inconsistent ones refused, or left out with `skipBroken` (with a warning). */
export function bitmapsToCopy(b: SourceBitmaps, skipBroken: boolean, warn?: (m: string) => void): SourceBitmap[] {
  // QEMU walks its bitmap list newest first, i.e. the directory backwards: its messages come in that order.
  for (const bm of [...b.list].reverse()) {
    if (!(bm.flags & BME_IN_USE)) continue;
    if (!skipBroken) throw new VdiskError('E_BITMAP_INCONSISTENT', `Cannot copy inconsistent bitmap '${bm.name}'`);
    warn?.(`vdisk convert: warning: Skipping inconsistent bitmap '${bm.name}'\n`);
  }
  return b.list.filter((bm) => !(bm.flags & BME_IN_USE));
}

async function writeOne(
  w: Qcow2Writer,
  t: ImageTarget,
  src: ImageSource,
  srcCs: number,
  size: number,
  bm: SourceBitmap,
): Promise<{ offset: number; entries: number }> {
  const cs = w.geo.cluster;
  const bytes = Math.ceil(Math.ceil(size / 2 ** bm.granularityBits) / 8);
  const entries = Math.ceil(bytes / cs);
  const table = new Uint8Array(Math.max(1, Math.ceil((entries * BMT_ENTRY_BYTES) / cs)) * cs);
  const tv = new DataView(table.buffer);
  for (let j = 0; j < entries; j++) {
    const buf = new Uint8Array(cs);
    await bitmapBytes(src, bm, srcCs, j * cs, buf.subarray(0, Math.min(cs, bytes - j * cs)));
    if (buf.every((x) => x === 0)) continue;
    const at = w.allocClusters(1);
    await t.pwrite(buf, at);
    setU64(tv, j * BMT_ENTRY_BYTES, at);
  }
  const offset = w.allocClusters(table.length / cs);
  await t.pwrite(table, offset);
  return { offset, entries };
}

/** Writes the bitmaps' clusters; returns the extension's 24 bytes. */
export async function writeBitmaps(
  w: Qcow2Writer,
  t: ImageTarget,
  src: ImageSource,
  b: SourceBitmaps,
  list: SourceBitmap[],
): Promise<Uint8Array> {
  const utf8 = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const bm of list) {
    const { offset, entries } = await writeOne(w, t, src, b.clusterSize, b.size, bm);
    const name = utf8.encode(bm.name);
    const e = new Uint8Array(Math.ceil((BMD_HEADER_BYTES + name.length) / BMD_ALIGN) * BMD_ALIGN);
    const dv = new DataView(e.buffer);
    setU64(dv, BMD_BITMAP_TABLE_OFFSET, offset);
    dv.setUint32(BMD_BITMAP_TABLE_SIZE, entries);
    dv.setUint32(BMD_FLAGS, bm.flags & BME_AUTO);
    e[BMD_TYPE] = BME_TYPE_DIRTY_TRACKING;
    e[BMD_GRANULARITY_BITS] = bm.granularityBits;
    dv.setUint16(BMD_NAME_SIZE, name.length);
    e.set(name, BMD_HEADER_BYTES); // extra_data_size stays 0: no extra data
    parts.push(e);
  }
  const dirSize = parts.reduce((a, p) => a + p.length, 0);
  const dir = new Uint8Array(dirSize);
  parts.reduce((at, p) => (dir.set(p, at), at + p.length), 0);
  const dirAt = w.allocClusters(Math.ceil(dirSize / w.geo.cluster));
  await t.pwrite(dir, dirAt);
  const ext = new Uint8Array(BMX_BYTES);
  const ev = new DataView(ext.buffer);
  ev.setUint32(BMX_NB_BITMAPS, list.length);
  setU64(ev, BMX_BITMAP_DIRECTORY_SIZE, dirSize);
  setU64(ev, BMX_BITMAP_DIRECTORY_OFFSET, dirAt);
  return ext;
}

/** The writer as a sink whose finish() first stores the bitmaps (the header, written last, names them). */
export function withBitmaps(
  w: Qcow2Writer,
  wo: WriterOptions,
  t: ImageTarget,
  src: ImageSource,
  b: SourceBitmaps,
  list: SourceBitmap[],
): Sink {
  return {
    unit: w.unit,
    backed: w.backed,
    data: (o, x) => w.data(o, x),
    zero: (o, n) => w.zero(o, n),
    hole: () => w.hole(),
    finish: async () => {
      if (list.length) {
        const ext = await writeBitmaps(w, t, src, b, list);
        // The writer reads its options when it writes the header, in finish().
        wo.extensions = [...(wo.extensions ?? []), { type: EXT_BITMAPS, data: ext }];
        wo.autoclear = (wo.autoclear ?? 0) | AUTOCLEAR_BITMAPS;
      }
      await w.finish();
    },
  };
}
