// Persistent bitmaps carried into a new qcow2 v3 image (`convert --bitmaps`), as qemu-img's
// convert_copy_bitmaps leaves them: same names, order, granularity and bits; the auto flag kept (an
// enabled bitmap stays enabled), in_use clear. Written after the guest data and before the header
// (qcow2.txt "Bitmaps extension"): data clusters, each bitmap table, the directory; then the header
// gets the extension and autoclear bit 0 ("bitmaps extension data is consistent").
//
//   directory entry: table_offset u64 · table_size u32 · flags u32 · type u8 (1) · granularity_bits u8
//                    · name_size u16 · extra_data_size u32 (0) · name · pad to 8
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
  const table = new Uint8Array(Math.max(1, Math.ceil((entries * 8) / cs)) * cs);
  const tv = new DataView(table.buffer);
  for (let j = 0; j < entries; j++) {
    const buf = new Uint8Array(cs);
    await bitmapBytes(src, bm, srcCs, j * cs, buf.subarray(0, Math.min(cs, bytes - j * cs)));
    if (buf.every((x) => x === 0)) continue;
    const at = w.allocClusters(1);
    await t.pwrite(buf, at);
    setU64(tv, j * 8, at);
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
    const e = new Uint8Array(Math.ceil((24 + name.length) / 8) * 8);
    const dv = new DataView(e.buffer);
    setU64(dv, 0, offset);
    dv.setUint32(8, entries);
    dv.setUint32(12, bm.flags & BME_AUTO);
    e[16] = 1;
    e[17] = bm.granularityBits;
    dv.setUint16(18, name.length);
    e.set(name, 24);
    parts.push(e);
  }
  const dirSize = parts.reduce((a, p) => a + p.length, 0);
  const dir = new Uint8Array(dirSize);
  parts.reduce((at, p) => (dir.set(p, at), at + p.length), 0);
  const dirAt = w.allocClusters(Math.ceil(dirSize / w.geo.cluster));
  await t.pwrite(dir, dirAt);
  const ext = new Uint8Array(24);
  const ev = new DataView(ext.buffer);
  ev.setUint32(0, list.length);
  setU64(ev, 8, dirSize);
  setU64(ev, 16, dirAt);
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
        wo.autoclear = (wo.autoclear ?? 0) | 1;
      }
      await w.finish();
    },
  };
}
