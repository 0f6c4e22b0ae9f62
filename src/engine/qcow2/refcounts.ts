// Refcounts of a new image (qcow2.txt "Host cluster management"). Allocation only appends, so every
// host cluster below the end has refcount 1, except clusters shared by compressed pieces. Those
// counts go into the refcount block of the range the append pointer is in (the only block held in
// memory); once the pointer passes that range its counts are final, the writer stores the block in a
// cluster it appends (`take`) and moves on, so memory is one cluster whatever the image size. The
// blocks of the last range(s), and the table, are placed after the data by `layout`.
//
//   refcount table: u64 offsets of refcount blocks          refcount block: 2^(cluster_bits+3-order)
//   entries of 2^order bits; below 8 bits packed LSB first, else big-endian (spec "refcount_bits")
export class Refcounts {
  readonly perBlock: number;
  private readonly bits: number;
  /** Range of the block in memory; blocks of the ranges before it are on disk. */
  private current = 0;
  /** Counts of range `current`; 0 stands for the implicit 1 (or 0 past the end). */
  private block: Uint8Array;
  /** Host cluster index of each refcount block already written, by range. */
  private readonly placed: number[] = [];

  /** `unused`: host clusters [from, to) left at refcount 0 (an image being replaced, see writer.ts). */
  constructor(
    readonly clusterBits: number,
    readonly order: number,
    private readonly unused: [number, number] = [0, 0],
  ) {
    this.bits = 2 ** order;
    this.perBlock = (2 ** clusterBits * 8) / this.bits;
    this.block = new Uint8Array(2 ** clusterBits);
  }

  get max(): number {
    return this.order >= 6 ? Number.MAX_SAFE_INTEGER : 2 ** (2 ** this.order) - 1;
  }

  /** Bytes of host space one refcount block covers. */
  get rangeBytes(): number {
    return this.perBlock * 2 ** this.clusterBits;
  }

  /** First range whose block is still in memory (ranges before it are written). */
  get written(): number {
    return this.current;
  }

  /** Refcount of cluster `c` (in the current range), 1 unless shared. */
  count(c: number): number {
    return this.get(this.slot(c)) || 1;
  }

  /** Whether cluster `c` can take one more reference: its block is still in memory and not at max. */
  canShare(c: number): boolean {
    const i = c - this.current * this.perBlock;
    return i >= 0 && i < this.perBlock && this.count(c) < this.max;
  }

  /** Cluster `c` (in the current range, already counted once) gets one more reference. */
  addShared(c: number): void {
    this.put(this.block, this.slot(c), this.count(c) + 1);
  }

  /**
   * The block of the current range, final now that every cluster of it is in use; it will be stored
   * at host cluster `at`. The next range's block starts empty.
   */
  take(at: number): Uint8Array {
    const out = this.fill(this.block, this.perBlock, this.current * this.perBlock);
    this.placed.push(at);
    this.current++;
    this.block = new Uint8Array(this.block.length);
    return out;
  }

  /**
   * The blocks not yet written and the table, for an image of `used` clusters, placed from cluster
   * `used` on: blocks for ranges `written`.. `written + blocks - 1`, then the table.
   */
  layout(used: number): { blocks: number; tableClusters: number; blocksAt: number; tableAt: number; end: number } {
    const cluster = 2 ** this.clusterBits;
    const done = this.current;
    let blocks = 0;
    let table = 0;
    for (;;) {
      const total = used + blocks + table;
      const nb = Math.max(0, Math.ceil(total / this.perBlock) - done);
      const nt = Math.max(1, Math.ceil(((done + nb) * 8) / cluster));
      if (nb === blocks && nt === table) break;
      blocks = nb;
      table = nt;
    }
    return { blocks, tableClusters: table, blocksAt: used, tableAt: used + blocks, end: used + blocks + table };
  }

  /** Block `k` of those `layout` placed (range `written + k`), for an image of clusters [0, end). */
  encodeBlock(k: number, end: number): Uint8Array {
    const first = (this.current + k) * this.perBlock;
    const n = Math.max(0, Math.min(this.perBlock, end - first));
    if (k === 0) return this.fill(this.block.slice(), n, first);
    return this.fill(new Uint8Array(this.block.length), n, first);
  }

  /** The table: blocks already written, then `blocks` blocks from cluster `blocksAt` on. */
  encodeTable(blocksAt: number, blocks: number, tableClusters: number): Uint8Array {
    const cluster = 2 ** this.clusterBits;
    const buf = new Uint8Array(tableClusters * cluster);
    const dv = new DataView(buf.buffer);
    const at = (b: number) => (b < this.placed.length ? this.placed[b]! : blocksAt + b - this.placed.length);
    for (let b = 0; b < this.placed.length + blocks; b++) {
      const off = at(b) * cluster;
      dv.setUint32(b * 8, Math.floor(off / 2 ** 32));
      dv.setUint32(b * 8 + 4, off >>> 0);
    }
    return buf;
  }

  private slot(c: number): number {
    const i = c - this.current * this.perBlock;
    if (i < 0 || i >= this.perBlock) throw new Error(`refcount of cluster ${c} outside the range in memory`);
    return i;
  }

  /** Entries [0, n) of the block whose first cluster is `first` still 0 become 1 (in use, not shared). */
  private fill(buf: Uint8Array, n: number, first: number): Uint8Array {
    const [from, to] = this.unused;
    const used = (i: number) => first + i < from || first + i >= to;
    if (this.bits === 16) {
      for (let i = 0; i < n; i++) if (buf[i * 2] === 0 && buf[i * 2 + 1] === 0 && used(i)) buf[i * 2 + 1] = 1;
      return buf;
    }
    for (let i = 0; i < n; i++) if (this.getIn(buf, i) === 0 && used(i)) this.put(buf, i, 1);
    return buf;
  }

  private get(i: number): number {
    return this.getIn(this.block, i);
  }

  private getIn(buf: Uint8Array, i: number): number {
    const bits = this.bits;
    if (bits < 8) return (buf[(i * bits) >> 3]! >> ((i * bits) & 7)) & ((1 << bits) - 1);
    const bytes = bits / 8;
    let v = 0;
    for (let k = 0; k < bytes; k++) v = v * 256 + buf[i * bytes + k]!;
    return v;
  }

  private put(buf: Uint8Array, i: number, v: number): void {
    const bits = this.bits;
    if (bits < 8) {
      const at = (i * bits) >> 3;
      const sh = (i * bits) & 7;
      buf[at] = (buf[at]! & ~(((1 << bits) - 1) << sh)) | (v << sh);
      return;
    }
    const bytes = bits / 8;
    for (let k = 0; k < bytes; k++) {
      buf[i * bytes + bytes - 1 - k] = v % 256;
      v = Math.floor(v / 256);
    }
  }
}
