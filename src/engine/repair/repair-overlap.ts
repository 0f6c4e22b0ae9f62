// qcow2_pre_write_overlap_check as `check -r all` meets it (QEMU 7.2 fix_l2_entry_by_zero, default
// overlap-check "cached"): an L2 entry is rewritten only where its cluster holds no other metadata —
// header, active L1 table, refcount table and blocks, snapshot table and snapshot L1 tables, bitmap
// directory. A "table" that lies on any of those is not an L2 table: qemu-img marks the image corrupt
// and fails; vdisk fails without writing anything (E_REPAIR_FAILED).
import type { ImageTarget } from '../../io/target.js';
import type { ParsedHeader } from '../qcow2/parse-header.js';
import { readTable } from './repair-snapshots.js';
import { refTableOffsetAt } from '../qcow2/host-offset.js';
import { getU64, getU64Low } from '../qcow2/be64.js';
import {
  AUTOCLEAR_BITMAPS,
  EXT_BITMAPS,
  H_AUTOCLEAR,
  H_NB_SNAPSHOTS,
  H_SNAPSHOTS_OFFSET,
} from '../../../assembly/qcow2/format';
import {
  BMX_BYTES,
  BMX_BITMAP_DIRECTORY_OFFSET,
  BMX_BITMAP_DIRECTORY_SIZE,
} from '../../../assembly/qcow2/bitmap-format';
import { SN_L1_SIZE, SN_L1_TABLE_OFFSET } from '../../../assembly/qcow2/snapshot-format';

/** Host clusters that hold metadata other than L2 tables. */
export async function metadataClusters(t: ImageTarget, h: ParsedHeader): Promise<Set<number>> {
  const cs = 2 ** h.clusterBits;
  const out = new Set<number>([0]);
  const span = (off: number, len: number) => {
    for (let k = Math.floor(off / cs); len > 0 && k * cs < off + len; k++) out.add(k);
  };
  span(h.l1Offset, h.l1Size * 8);
  span(h.refTableOffset, h.refTableClusters * cs);
  const table = new Uint8Array(h.refTableClusters * cs);
  await t.pread!(table, h.refTableOffset);
  const dv = new DataView(table.buffer);
  for (let i = 0; i < table.length; i += 8) {
    const off = refTableOffsetAt(dv, i);
    if (off) span(off, cs);
  }
  const head = new Uint8Array(H_AUTOCLEAR + 8);
  await t.pread!(head, 0);
  const hv = new DataView(head.buffer);
  const count = hv.getUint32(H_NB_SNAPSHOTS);
  const snapOffset = getU64(hv, H_SNAPSHOTS_OFFSET);
  if (count) {
    const snaps = await readTable(t, h, snapOffset, count);
    span(snapOffset, snaps.size);
    for (const e of snaps.entries) {
      const ev = new DataView(e.raw.buffer, e.raw.byteOffset);
      span(getU64(ev, SN_L1_TABLE_OFFSET), ev.getUint32(SN_L1_SIZE) * 8);
    }
  }
  const bitmaps = h.extensions.find((e) => e.type === EXT_BITMAPS);
  if (
    bitmaps &&
    h.version === 3 &&
    getU64Low(hv, H_AUTOCLEAR) & AUTOCLEAR_BITMAPS &&
    bitmaps.data.length >= BMX_BYTES
  ) {
    const bv = new DataView(bitmaps.data.buffer, bitmaps.data.byteOffset);
    span(getU64(bv, BMX_BITMAP_DIRECTORY_OFFSET), getU64(bv, BMX_BITMAP_DIRECTORY_SIZE));
  }
  return out;
}
