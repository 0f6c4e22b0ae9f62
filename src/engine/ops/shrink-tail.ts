// What QEMU 7.2's qcow2_co_truncate does after a shrink has discarded the clusters past the new end
// (qcow2_cluster_discard with QCOW2_DISCARD_ALWAYS), so the file ends up as small as qemu-img's:
//   1 qcow2_shrink_l1_table: L1 entries past the new end zeroed (header l1_size unchanged), flush,
//     then their L2 tables freed;
//   2 qcow2_shrink_reftable: refcount blocks that count nothing but themselves are unhooked (table
//     written, flushed), then freed;
//   3 the file is cut after the last cluster whose refcount is not 0 (qcow2_get_last_cluster).
// Every cluster freed on the way is discarded (a hole). Each step unhooks before it frees, with a
// flush between, so a kill leaves at most leaked clusters (qcow2.txt "Host cluster management").
//
//   L1 entry: 9..55 L2 table offset   refcount table entry: 9..63 refcount block offset
import type { ImageTarget } from '../../io/target.js';
import type { ParsedHeader } from '../qcow2/parse-header.js';
import { EditRefcounts } from '../qcow2/edit-refcounts.js';
import { discardClusters } from '../repair/repair-discard.js';
import { entryOffsetAt } from '../qcow2/host-offset.js';

const u64 = entryOffsetAt;

function refcountIn(blk: Uint8Array, i: number, bits: number): number {
  if (bits < 8) return (blk[(i * bits) >> 3]! >> ((i * bits) & 7)) & ((1 << bits) - 1);
  let v = 0;
  for (let b = 0; b < bits / 8; b++) v = v * 256 + blk[(i * bits) / 8 + b]!;
  return v;
}

function refsOf(t: ImageTarget, h: ParsedHeader, table: Uint8Array): EditRefcounts {
  const cs = 2 ** h.clusterBits;
  return new EditRefcounts(t, h.clusterBits, h.refcountOrder, table, h.refTableOffset, Math.ceil(t.size / cs) * cs);
}

/** Host clusters (of `candidates`) whose refcount is 0 now, discarded. */
export async function discardIfFree(
  t: ImageTarget,
  h: ParsedHeader,
  table: Uint8Array,
  candidates: Iterable<number>,
): Promise<void> {
  const refs = refsOf(t, h, table);
  const free: number[] = [];
  for (const k of new Set(candidates)) if ((await refs.get(k)) === 0) free.push(k);
  await discardClusters(t, free, h.clusterBits);
}

export async function shrinkTail(t: ImageTarget, h: ParsedHeader, size: number, freedData: number[]): Promise<void> {
  const cs = 2 ** h.clusterBits;
  const table = new Uint8Array(h.refTableClusters * cs);
  await t.pread!(table, h.refTableOffset);
  await discardIfFree(t, h, table, freedData);
  // 1 qcow2_shrink_l1_table
  const need = Math.ceil(size / (cs * (cs / (h.extL2 ? 16 : 8))));
  if (need < h.l1Size) {
    const l1 = new Uint8Array((h.l1Size - need) * 8);
    await t.pread!(l1, h.l1Offset + need * 8);
    const dv = new DataView(l1.buffer);
    const l2s: number[] = [];
    for (let i = 0; i < l1.length; i += 8) {
      const off = u64(dv, i);
      if (off) l2s.push(off / cs);
    }
    if (l2s.length) {
      await t.pwrite(new Uint8Array(l1.length), h.l1Offset + need * 8);
      await t.flush();
      const refs = refsOf(t, h, table);
      for (const k of l2s) await refs.add(k, -1);
      await refs.writeDirty();
      await t.flush();
      await discardIfFree(t, h, table, l2s);
    }
  }
  await shrinkReftable(t, h, table);
  // 3 qcow2_get_last_cluster, then bdrv_co_truncate of the file
  const last = await lastUsedCluster(t, h, table);
  if (last >= 0 && (last + 1) * cs < t.size) await t.truncate((last + 1) * cs);
}

/** 2 qcow2_shrink_reftable: blocks whose only non-zero refcount is their own go. */
async function shrinkReftable(t: ImageTarget, h: ParsedHeader, table: Uint8Array): Promise<void> {
  const cs = 2 ** h.clusterBits;
  const bits = 2 ** h.refcountOrder;
  const per = (cs * 8) / bits;
  const dv = new DataView(table.buffer);
  const gone: { i: number; k: number }[] = [];
  const blk = new Uint8Array(cs);
  for (let i = 0; i < table.length / 8; i++) {
    const off = u64(dv, i * 8);
    if (!off || off % cs) continue;
    blk.fill(0);
    await t.pread!(blk, off);
    const self = Math.floor(off / cs / per) === i ? (off / cs) % per : -1;
    let unused = true;
    for (let j = 0; j < per && unused; j++) if (j !== self && refcountIn(blk, j, bits) !== 0) unused = false;
    if (unused) gone.push({ i, k: off / cs });
  }
  if (!gone.length) return;
  for (const g of gone) {
    dv.setUint32(g.i * 8, 0);
    dv.setUint32(g.i * 8 + 4, 0);
  }
  await t.pwrite(table, h.refTableOffset);
  await t.flush();
  // qcow2_discard_refcount_block: the block's own refcount, in whichever block covers it, becomes 0.
  const refs = refsOf(t, h, table);
  for (const g of gone) if (Math.floor(g.k / per) !== g.i && (await refs.get(g.k)) > 0) await refs.add(g.k, -1);
  await refs.writeDirty();
  await t.flush();
  await discardClusters(
    t,
    gone.map((g) => g.k),
    h.clusterBits,
  );
}

async function lastUsedCluster(t: ImageTarget, h: ParsedHeader, table: Uint8Array): Promise<number> {
  const cs = 2 ** h.clusterBits;
  const bits = 2 ** h.refcountOrder;
  const per = (cs * 8) / bits;
  const dv = new DataView(table.buffer);
  const n = Math.ceil(t.size / cs);
  const blk = new Uint8Array(cs);
  for (let i = Math.min(table.length / 8, Math.ceil(n / per)) - 1; i >= 0; i--) {
    const off = u64(dv, i * 8);
    if (!off) continue;
    blk.fill(0);
    await t.pread!(blk, off);
    for (let j = Math.min(per, n - i * per) - 1; j >= 0; j--) if (refcountIn(blk, j, bits) !== 0) return i * per + j;
  }
  return -1;
}
