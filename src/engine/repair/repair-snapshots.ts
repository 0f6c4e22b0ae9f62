// qcow2_check_fix_snapshot_table → qcow2_write_snapshots (QEMU 7.2 block/qcow2-snapshot.c), run by
// `check -r all` once the refcounts are sound, when the snapshot table had entries to fix: v3
// entries with less than 16 bytes of extra data, entries with more than 1 KiB of it. The whole table
// is written anew, as QEMU writes it:
//
//   entry (8-byte aligned): 0 l1_table_offset u64 · 8 l1_size u32 · 12 id_str_size u16 ·
//     14 name_size u16 · 16 date_sec u32 · 20 date_nsec u32 · 24 vm_clock_nsec u64 ·
//     32 vm_state_size u32 (0 if it needs 64 bits) · 36 extra_data_size u32 = max(24, kept) ·
//     40 extra: vm_state_size_large u64 · disk_size u64 · icount u64 · unknown extra (≤ 1024 in all)
//     · id_str · name (each up to its first NUL, as QEMU keeps them)    (qcow2.txt "Snapshots")
//
// Missing known fields take QEMU's defaults (the 32-bit VM state size, the current disk size, icount
// -1). Order, each step durable before the next: clusters allocated (first fit in the refcounts, as
// qcow2_alloc_clusters does) → table written → header nb_snapshots/snapshots_offset (60..71) → old
// table freed and discarded (QCOW2_DISCARD_SNAPSHOT is on by default). A kill leaves the old table
// in charge or, after the header switch, the old table leaked.
import type { ImageTarget } from '../../io/target.js';
import type { ParsedHeader } from '../qcow2/parse-header.js';
import { EditRefcounts } from '../qcow2/edit-refcounts.js';
import { discardClusters } from './repair-discard.js';
import { VdiskError } from '../../errors/vdisk-error.js';

const MAX_EXTRA = 1024;
const KNOWN_EXTRA = 24;

function encodeEntry(raw: Uint8Array, extra: number, diskSize: number): Uint8Array {
  const dv = new DataView(raw.buffer, raw.byteOffset);
  // id_str and name are C strings to QEMU (g_malloc'd, then strlen): cut at the first NUL.
  const cstr = (from: number, len: number) => {
    const b = raw.subarray(from, from + len);
    const z = b.indexOf(0);
    return z < 0 ? b : b.subarray(0, z);
  };
  const id = cstr(40 + extra, dv.getUint16(12));
  const name = cstr(40 + extra + dv.getUint16(12), dv.getUint16(14));
  const ids = id.length + name.length;
  const keep = Math.min(extra, MAX_EXTRA);
  const size = Math.max(KNOWN_EXTRA, keep);
  const out = new Uint8Array(40 + size + ids);
  const ov = new DataView(out.buffer);
  out.set(raw.subarray(0, 36));
  ov.setUint32(36, size);
  const x = raw.subarray(40, 40 + keep);
  // Known extra data: what the entry had, QEMU's defaults for the rest.
  const known = new Uint8Array(KNOWN_EXTRA);
  const kv = new DataView(known.buffer);
  kv.setUint32(4, dv.getUint32(32)); // vm_state_size from the header
  kv.setUint32(8, Math.floor(diskSize / 2 ** 32));
  kv.setUint32(12, diskSize >>> 0);
  kv.setUint32(16, 0xffffffff);
  kv.setUint32(20, 0xffffffff); // icount -1
  known.set(x.subarray(0, keep >= 24 ? 24 : keep >= 16 ? 16 : keep >= 8 ? 8 : 0)); // whole fields only
  ov.setUint32(32, kv.getUint32(0) === 0 ? kv.getUint32(4) : 0); // 0 when it needs 64 bits
  out.set(known, 40);
  if (keep > KNOWN_EXTRA) out.set(x.subarray(KNOWN_EXTRA), 40 + KNOWN_EXTRA);
  ov.setUint16(12, id.length);
  ov.setUint16(14, name.length);
  out.set(id, 40 + size);
  out.set(name, 40 + size + id.length);
  return out;
}

/** Reads the table as qcow2_do_read_snapshots does: entries and the bytes they span. */
export async function readTable(
  t: ImageTarget,
  h: ParsedHeader,
  offset: number,
  count: number,
): Promise<{ entries: { raw: Uint8Array; extra: number }[]; size: number }> {
  const entries: { raw: Uint8Array; extra: number }[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    at = Math.ceil(at / 8) * 8;
    const head = new Uint8Array(40);
    await t.pread!(head, at);
    const dv = new DataView(head.buffer);
    const extra = dv.getUint32(36);
    const raw = new Uint8Array(40 + extra + dv.getUint16(12) + dv.getUint16(14));
    await t.pread!(raw, at);
    entries.push({ raw, extra });
    at += raw.length;
  }
  return { entries, size: at - offset };
}

export async function rewriteSnapshotTable(t: ImageTarget, h: ParsedHeader): Promise<void> {
  const cs = 2 ** h.clusterBits;
  const head = new Uint8Array(12);
  await t.pread!(head, 60);
  const hv = new DataView(head.buffer);
  const count = hv.getUint32(0);
  const oldOffset = hv.getUint32(4) * 2 ** 32 + hv.getUint32(8);
  const old = await readTable(t, h, oldOffset, count);
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const e of old.entries) {
    const pad = (8 - (size % 8)) % 8;
    if (pad) {
      parts.push(new Uint8Array(pad));
      size += pad;
    }
    const enc = encodeEntry(e.raw, e.extra, h.size);
    parts.push(enc);
    size += enc.length;
  }
  const table = new Uint8Array(size);
  parts.reduce((at, p) => (table.set(p, at), at + p.length), 0);
  const refTable = new Uint8Array(h.refTableClusters * cs);
  await t.pread!(refTable, h.refTableOffset);
  const refs = new EditRefcounts(
    t,
    h.clusterBits,
    h.refcountOrder,
    refTable,
    h.refTableOffset,
    Math.ceil(t.size / cs) * cs,
  );
  const need = Math.max(1, Math.ceil(size / cs));
  const per = refs.perBlock;
  let first = 0;
  for (let k = 0, run = 0; run < need; k++) {
    if ((await refs.get(k)) === 0) {
      if (run++ === 0) first = k;
    } else run = 0;
  }
  const rt = new DataView(refTable.buffer);
  const hasBlock = (b: number) => b * 8 < refTable.length && (rt.getUint32(b * 8) | rt.getUint32(b * 8 + 4)) !== 0;
  for (let k = first; k < first + need; k++) {
    if (!hasBlock(Math.floor(k / per))) {
      throw new VdiskError(
        'E_WRITE_UNSUPPORTED',
        'the new snapshot table would need a new refcount block, which qemu-img places its own way',
        { path: t.name },
      );
    }
  }
  for (let k = first; k < first + need; k++) await refs.add(k, 1);
  await refs.writeDirty();
  await t.flush();
  await t.pwrite(table, first * cs);
  await t.flush();
  const nh = new Uint8Array(12);
  const nv = new DataView(nh.buffer);
  nv.setUint32(0, count);
  nv.setUint32(4, Math.floor((first * cs) / 2 ** 32));
  nv.setUint32(8, (first * cs) >>> 0);
  await t.pwrite(nh, 60);
  await t.flush();
  const freed: number[] = [];
  if (old.size > 0) {
    for (let k = Math.floor(oldOffset / cs); k * cs < oldOffset + old.size; k++) {
      await refs.add(k, -1);
      if ((await refs.get(k)) === 0) freed.push(k);
    }
  }
  await refs.writeDirty();
  await t.flush();
  await discardClusters(t, freed, h.clusterBits);
}
