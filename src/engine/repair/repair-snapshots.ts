// qcow2_check_fix_snapshot_table → qcow2_write_snapshots (QEMU 7.2 block/qcow2-snapshot.c), run by
// `check -r all` once the refcounts are sound, when the snapshot table had entries to fix: v3
// entries with less than 16 bytes of extra data, entries with more than 1 KiB of it. The whole table
// is written anew, as QEMU writes it:
//
//   entry (fields in assembly/qcow2/snapshot-format.ts): the header with vm_state_size 0 if it
//     needs 64 bits and extra_data_size = max(24, kept) · extra: vm_state_size_large · disk_size ·
//     icount · unknown extra (≤ 1024 in all) · id_str · name (each up to its first NUL, as QEMU keeps
//     them)    (qcow2.txt "Snapshots")
//
// Missing known fields take QEMU's defaults (the 32-bit VM state size, the current disk size, icount
// -1). Order, each step durable before the next: clusters allocated (first fit in the refcounts, as
// qcow2_alloc_clusters does) → table written → header nb_snapshots/snapshots_offset (one write) → old
// table freed and discarded (QCOW2_DISCARD_SNAPSHOT is on by default). A kill leaves the old table
// in charge or, after the header switch, the old table leaked.
import type { ImageTarget } from '../../io/target.js';
import type { ParsedHeader } from '../qcow2/parse-header.js';
import { EditRefcounts } from '../qcow2/edit-refcounts.js';
import { discardClusters } from './repair-discard.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import { getU64, setU64 } from '../qcow2/be64.js';
import { H_NB_SNAPSHOTS, H_SNAPSHOTS_OFFSET } from '../../../assembly/qcow2/format';
import {
  SN_ALIGN,
  SN_EXTRA_DATA_SIZE,
  SN_HEADER_BYTES,
  SN_ID_STR_SIZE,
  SN_MAX_EXTRA_DATA,
  SN_NAME_SIZE,
  SN_VM_STATE_SIZE,
  SNX_DISK_SIZE,
  SNX_ICOUNT,
  SNX_KNOWN_BYTES,
  SNX_VM_STATE_SIZE_LARGE,
} from '../../../assembly/qcow2/snapshot-format';

/** nb_snapshots and snapshots_offset, adjacent in the header: read and written as one span. */
const COUNT_SPAN = H_SNAPSHOTS_OFFSET + 8 - H_NB_SNAPSHOTS;
const SPAN_OFFSET = H_SNAPSHOTS_OFFSET - H_NB_SNAPSHOTS;

function encodeEntry(raw: Uint8Array, extra: number, diskSize: number): Uint8Array {
  const dv = new DataView(raw.buffer, raw.byteOffset);
  // id_str and name are C strings to QEMU (g_malloc'd, then strlen): cut at the first NUL.
  const cstr = (from: number, len: number) => {
    const b = raw.subarray(from, from + len);
    const z = b.indexOf(0);
    return z < 0 ? b : b.subarray(0, z);
  };
  const idAt = SN_HEADER_BYTES + extra;
  const id = cstr(idAt, dv.getUint16(SN_ID_STR_SIZE));
  const name = cstr(idAt + dv.getUint16(SN_ID_STR_SIZE), dv.getUint16(SN_NAME_SIZE));
  const ids = id.length + name.length;
  const keep = Math.min(extra, SN_MAX_EXTRA_DATA);
  const size = Math.max(SNX_KNOWN_BYTES, keep);
  const out = new Uint8Array(SN_HEADER_BYTES + size + ids);
  const ov = new DataView(out.buffer);
  out.set(raw.subarray(0, SN_EXTRA_DATA_SIZE)); // every header field before extra_data_size, as it was
  ov.setUint32(SN_EXTRA_DATA_SIZE, size);
  const x = raw.subarray(SN_HEADER_BYTES, SN_HEADER_BYTES + keep);
  // Known extra data: what the entry had, QEMU's defaults for the rest.
  const known = new Uint8Array(SNX_KNOWN_BYTES);
  const kv = new DataView(known.buffer);
  setU64(kv, SNX_VM_STATE_SIZE_LARGE, dv.getUint32(SN_VM_STATE_SIZE)); // vm_state_size from the header
  setU64(kv, SNX_DISK_SIZE, diskSize);
  known.fill(0xff, SNX_ICOUNT, SNX_ICOUNT + 8); // icount -1: all ones
  // Whole fields only: each kept field ends where the next begins (or at the known extra's end).
  const whole = [SNX_KNOWN_BYTES, SNX_ICOUNT, SNX_DISK_SIZE].find((end) => keep >= end) ?? 0;
  known.set(x.subarray(0, whole));
  const large = getU64(kv, SNX_VM_STATE_SIZE_LARGE);
  ov.setUint32(SN_VM_STATE_SIZE, large < 2 ** 32 ? large : 0); // 0 when it needs 64 bits
  out.set(known, SN_HEADER_BYTES);
  if (keep > SNX_KNOWN_BYTES) out.set(x.subarray(SNX_KNOWN_BYTES), SN_HEADER_BYTES + SNX_KNOWN_BYTES);
  ov.setUint16(SN_ID_STR_SIZE, id.length);
  ov.setUint16(SN_NAME_SIZE, name.length);
  out.set(id, SN_HEADER_BYTES + size);
  out.set(name, SN_HEADER_BYTES + size + id.length);
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
    at = Math.ceil(at / SN_ALIGN) * SN_ALIGN;
    const head = new Uint8Array(SN_HEADER_BYTES);
    await t.pread!(head, at);
    const dv = new DataView(head.buffer);
    const extra = dv.getUint32(SN_EXTRA_DATA_SIZE);
    const raw = new Uint8Array(SN_HEADER_BYTES + extra + dv.getUint16(SN_ID_STR_SIZE) + dv.getUint16(SN_NAME_SIZE));
    await t.pread!(raw, at);
    entries.push({ raw, extra });
    at += raw.length;
  }
  return { entries, size: at - offset };
}

export async function rewriteSnapshotTable(t: ImageTarget, h: ParsedHeader): Promise<void> {
  const cs = 2 ** h.clusterBits;
  const head = new Uint8Array(COUNT_SPAN);
  await t.pread!(head, H_NB_SNAPSHOTS);
  const hv = new DataView(head.buffer);
  const count = hv.getUint32(0);
  const oldOffset = getU64(hv, SPAN_OFFSET);
  const old = await readTable(t, h, oldOffset, count);
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const e of old.entries) {
    const pad = (SN_ALIGN - (size % SN_ALIGN)) % SN_ALIGN;
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
  const hasBlock = (b: number) => b * 8 < refTable.length && getU64(rt, b * 8) !== 0;
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
  const nh = new Uint8Array(COUNT_SPAN);
  const nv = new DataView(nh.buffer);
  nv.setUint32(0, count);
  setU64(nv, SPAN_OFFSET, first * cs);
  await t.pwrite(nh, H_NB_SNAPSHOTS);
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
