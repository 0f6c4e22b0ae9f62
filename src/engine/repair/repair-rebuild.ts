// A new refcount structure from the computed refcounts, as QEMU 7.2's rebuild_refcount_structure
// builds it (block/qcow2-refcount.c), so the result sits where qemu-img would put it:
//   1. each refcount block with a non-zero entry gets the first free cluster at or after the start
//      of its own range, and is written as that slice of the computed refcounts;
//   2. the refcount table gets the first run of free clusters; the blocks covering it are rewritten;
//      a table that had to grow is placed again (repeat until it stops growing);
//   3. the table is written, flushed, and only then the header's refcount_table_offset/_clusters
//      (bytes 48..59, one sector) switch to it, and flushed again.
// Everything before step 3 lands in clusters nothing uses, so a kill leaves the old structure in
// charge; after it the old table and blocks are merely leaked (the caller frees them).
//
//   refcount table: u64 block offsets   refcount block: 2^(cluster_bits+3-refcount_order) entries
import type { ImageTarget } from '../../io/target.js';

class Imrt {
  constructor(public a: Uint32Array) {}
  get n(): number {
    return this.a.length;
  }
  grow(n: number): void {
    if (n > this.a.length) {
      const b = new Uint32Array(n);
      b.set(this.a);
      this.a = b;
    }
  }
}

/** alloc_clusters_imrt: first fit of `count` free clusters from *first on, growing the array. */
function alloc(m: Imrt, count: number, first: { v: number }): number {
  let c = first.v;
  let run = 0;
  let firstGap = true;
  for (; c < m.n && run < count; c++) {
    if (m.a[c] === 0) {
      run++;
      if (firstGap) {
        first.v = c;
        firstGap = false;
      }
    } else run = 0;
  }
  if (run < count) m.grow(c + count - run);
  c -= run;
  for (let i = 0; i < count; i++) m.a[c + i] = 1;
  return c;
}

function encodeBlock(m: Imrt, start: number, per: number, bits: number, cs: number): Uint8Array {
  const buf = new Uint8Array(cs);
  for (let i = 0; i < per && start + i < m.n; i++) {
    let v = m.a[start + i]!;
    if (v === 0) continue;
    if (bits < 8) {
      buf[(i * bits) >> 3]! |= Math.min(v, 2 ** bits - 1) << ((i * bits) & 7);
      continue;
    }
    const bytes = bits / 8;
    if (bytes < 4) v = Math.min(v, 2 ** bits - 1);
    for (let b = bytes - 1; b >= 0 && v > 0; b--) {
      buf[i * bytes + b] = v % 256;
      v = Math.floor(v / 256);
    }
  }
  return buf;
}

export interface RebuildResult {
  tableOffset: number;
  tableClusters: number;
}

export async function rebuildRefcounts(
  t: ImageTarget,
  computed: Uint32Array,
  clusterBits: number,
  order: number,
): Promise<RebuildResult> {
  const cs = 2 ** clusterBits;
  const bits = 2 ** order;
  const per = (cs * 8) / bits;
  const m = new Imrt(computed.slice());
  let table: number[] = [];
  // rebuild_refcounts_write_refblocks: true when the table had to grow.
  const writeBlocks = async (from: number, end: number): Promise<boolean> => {
    const first = { v: 0 };
    let grown = false;
    for (let c = from; c < end; c++) {
      if (c >= m.n || m.a[c] === 0) continue;
      const idx = Math.floor(c / per);
      const start = idx * per;
      let off = table[idx] ?? 0;
      if (!off) {
        if (first.v < start) first.v = start; // never inside a block already written
        const at = alloc(m, 1, first);
        if (at >= end) end = at + 1;
        if (table.length <= idx) {
          const n = Math.ceil(((idx + 1) * 8) / cs) * (cs / 8);
          table = table.concat(new Array<number>(n - table.length).fill(0));
          grown = true;
        }
        off = at * cs;
        table[idx] = off;
      }
      await t.pwrite(encodeBlock(m, start, per, bits, cs), off);
      c = start + per - 1;
    }
    return grown;
  };
  await writeBlocks(0, m.n);
  let tableAt = 0;
  let clusters = 0;
  for (let grown = true; grown; ) {
    clusters = Math.ceil((table.length * 8) / cs);
    tableAt = alloc(m, clusters, { v: 0 });
    grown = await writeBlocks(tableAt, tableAt + clusters);
  }
  const buf = new Uint8Array(table.length * 8);
  const dv = new DataView(buf.buffer);
  table.forEach((off, i) => {
    dv.setUint32(i * 8, Math.floor(off / 2 ** 32));
    dv.setUint32(i * 8 + 4, off >>> 0);
  });
  await t.pwrite(buf, tableAt * cs);
  await t.flush();
  const head = new Uint8Array(12);
  const hv = new DataView(head.buffer);
  hv.setUint32(0, Math.floor((tableAt * cs) / 2 ** 32));
  hv.setUint32(4, (tableAt * cs) >>> 0);
  hv.setUint32(8, clusters);
  await t.pwrite(head, 48);
  await t.flush();
  return { tableOffset: tableAt * cs, tableClusters: clusters };
}
