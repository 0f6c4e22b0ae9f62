// Refcounts of a new image (qcow2.txt "Host cluster management"). Allocation only appends, so every
// host cluster below the end has refcount 1, except clusters shared by compressed pieces: only those
// are kept (a map of exceptions), so memory does not grow with the image.
//
//   refcount table: u64 offsets of refcount blocks          refcount block: 2^(cluster_bits+3-order)
//   entries of 2^order bits; below 8 bits packed LSB first, else big-endian (spec "refcount_bits")
export class Refcounts {
  /** Counts that are not 1, by host cluster index. */
  readonly extra = new Map<number, number>();
  constructor(readonly clusterBits: number, readonly order: number) {}

  get max(): number { return this.order >= 6 ? Number.MAX_SAFE_INTEGER : 2 ** (2 ** this.order) - 1; }

  /** Marks clusters [first, last] as referenced once more by a compressed piece. */
  addShared(first: number, last: number, fresh: (i: number) => boolean): void {
    for (let i = first; i <= last; i++) {
      if (fresh(i)) continue; // a cluster allocated for this piece starts at 1
      this.extra.set(i, (this.extra.get(i) ?? 1) + 1);
    }
  }

  /** Refcount blocks and table for an image of `used` clusters, placed from cluster `used` on. */
  layout(used: number): { blocks: number; tableClusters: number; blocksAt: number; tableAt: number; end: number } {
    const cluster = 2 ** this.clusterBits;
    const perBlock = (cluster * 8) / 2 ** this.order;
    let blocks = 0;
    let table = 0;
    for (;;) {
      const total = used + blocks + table;
      const nb = Math.ceil(total / perBlock);
      const nt = Math.max(1, Math.ceil((nb * 8) / cluster));
      if (nb === blocks && nt === table) break;
      blocks = nb;
      table = nt;
    }
    return { blocks, tableClusters: table, blocksAt: used, tableAt: used + blocks, end: used + blocks + table };
  }

  /** Refcount block `b` for an image whose clusters [0, end) are all in use. */
  encodeBlock(b: number, end: number): Uint8Array {
    const cluster = 2 ** this.clusterBits;
    const bits = 2 ** this.order;
    const perBlock = (cluster * 8) / bits;
    const buf = new Uint8Array(cluster);
    const first = b * perBlock;
    const n = Math.max(0, Math.min(perBlock, end - first));
    const put = (i: number, v: number) => {
      if (bits < 8) { buf[(i * bits) >> 3]! |= v << ((i * bits) & 7); return; }
      const bytes = bits / 8;
      for (let k = 0; k < bytes && v > 0; k++) { buf[i * bytes + bytes - 1 - k] = v % 256; v = Math.floor(v / 256); }
    };
    if (bits === 16) { for (let i = 0; i < n; i++) buf[i * 2 + 1] = 1; }
    else for (let i = 0; i < n; i++) put(i, 1);
    for (const [c, v] of this.extra) {
      if (c < first || c >= first + n) continue;
      if (bits < 8) buf[((c - first) * bits) >> 3]! &= ~(((1 << bits) - 1) << (((c - first) * bits) & 7));
      else buf.fill(0, (c - first) * (bits / 8), (c - first + 1) * (bits / 8));
      put(c - first, v);
    }
    return buf;
  }

  encodeTable(blocksAt: number, blocks: number, tableClusters: number): Uint8Array {
    const cluster = 2 ** this.clusterBits;
    const buf = new Uint8Array(tableClusters * cluster);
    const dv = new DataView(buf.buffer);
    for (let b = 0; b < blocks; b++) {
      const off = (blocksAt + b) * cluster;
      dv.setUint32(b * 8, Math.floor(off / 2 ** 32));
      dv.setUint32(b * 8 + 4, off >>> 0);
    }
    return buf;
  }
}
