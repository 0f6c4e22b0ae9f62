// Refcounts of an existing image being edited in place (qcow2.txt "Host cluster management").
// Blocks are read on demand and kept while edited (evictClean drops the written ones); new clusters
// are appended at the end of the file and counted at once (a missing refcount block or a full refcount
// table is allocated the same way); decrements wait until the metadata that stopped using a cluster is
// on disk (see editor.ts). A new block is linked into the table only after it is on disk (writeDirty).
import type { ImageTarget } from '../../io/target.js';
import { refTableOffsetAt } from './host-offset.js';

export class EditRefcounts {
  readonly blocks = new Map<number, Uint8Array>();
  readonly dirty = new Set<number>();
  /** Buffers of dropped blocks, used again (see editor.ts). */
  private readonly spare: Uint8Array[] = [];
  /** Table entries set in memory (new blocks) but not yet on disk, when the table did not move. */
  private readonly linked = new Set<number>();
  table: Uint8Array;
  tableMoved = false;
  /** Old refcount table clusters, freed after the header points at the new table. */
  oldTable: { offset: number; clusters: number } | undefined;
  readonly cs: number;
  readonly bits: number;
  readonly perBlock: number;

  constructor(
    private readonly t: ImageTarget,
    clusterBits: number,
    order: number,
    table: Uint8Array,
    public tableOffset: number,
    public end: number,
  ) {
    this.cs = 2 ** clusterBits;
    this.bits = 2 ** order;
    this.perBlock = (this.cs * 8) / this.bits;
    this.table = table;
  }

  get tableClusters(): number {
    return this.table.length / this.cs;
  }

  private entry(b: number): number {
    if (b * 8 >= this.table.length) return 0;
    const dv = new DataView(this.table.buffer, this.table.byteOffset);
    return refTableOffsetAt(dv, b * 8);
  }

  private async block(b: number, create: boolean): Promise<Uint8Array | undefined> {
    const have = this.blocks.get(b);
    if (have) return have;
    const off = this.entry(b);
    if (off === 0) {
      if (!create) return undefined;
      const buf = this.spare.pop()?.fill(0) ?? new Uint8Array(this.cs);
      this.blocks.set(b, buf);
      this.dirty.add(b);
      const at = this.end;
      this.end += this.cs;
      await this.setTableEntry(b, at);
      await this.add(at / this.cs, 1);
      return buf;
    }
    const buf = this.spare.pop()?.fill(0) ?? new Uint8Array(this.cs);
    await this.t.pread!(buf, off);
    this.blocks.set(b, buf);
    return buf;
  }

  private async setTableEntry(b: number, off: number): Promise<void> {
    if (b * 8 >= this.table.length) {
      const grown = new Uint8Array(Math.max(this.table.length * 2, Math.ceil(((b + 1) * 8) / this.cs) * this.cs));
      grown.set(this.table);
      // A table that replaced the on-disk one but was never named by the header is freed at once.
      const abandoned = this.tableMoved ? { offset: this.tableOffset, clusters: this.tableClusters } : undefined;
      if (!this.tableMoved) this.oldTable = { offset: this.tableOffset, clusters: this.tableClusters };
      this.table = grown;
      this.tableMoved = true;
      this.linked.clear();
      this.tableOffset = this.end;
      this.end += grown.length;
      for (let k = 0; k < grown.length / this.cs; k++) await this.add(this.tableOffset / this.cs + k, 1);
      if (abandoned) for (let k = 0; k < abandoned.clusters; k++) await this.add(abandoned.offset / this.cs + k, -1);
    }
    const dv = new DataView(this.table.buffer, this.table.byteOffset);
    dv.setUint32(b * 8, Math.floor(off / 2 ** 32));
    dv.setUint32(b * 8 + 4, off >>> 0);
    if (!this.tableMoved) this.linked.add(b);
  }

  async get(k: number): Promise<number> {
    const blk = await this.block(Math.floor(k / this.perBlock), false);
    if (!blk) return 0;
    return read(blk, k % this.perBlock, this.bits);
  }

  async add(k: number, delta: number): Promise<void> {
    const b = Math.floor(k / this.perBlock);
    const blk = (await this.block(b, true))!;
    const i = k % this.perBlock;
    write(blk, i, this.bits, Math.max(0, read(blk, i, this.bits) + delta));
    this.dirty.add(b);
  }

  /** Appends `n` clusters at the end of the file, each with refcount 1. */
  async alloc(n: number): Promise<number> {
    const at = this.end;
    this.end += n * this.cs;
    for (let k = 0; k < n; k++) await this.add(at / this.cs + k, 1);
    return at;
  }

  /**
   * Writes the edited blocks. New blocks are linked into the on-disk table only after they are on
   * disk (fdatasync between), so a kill in between leaves them unreferenced. A moved table is written
   * whole at its new place; the caller points the header at it after a flush.
   */
  async writeDirty(): Promise<void> {
    for (const b of this.dirty) await this.t.pwrite(this.blocks.get(b)!, this.entry(b));
    this.dirty.clear();
    if (this.tableMoved) {
      await this.t.pwrite(this.table, this.tableOffset);
      this.linked.clear();
    }
    if (this.linked.size === 0) return;
    await this.t.flush();
    const clusters = new Set([...this.linked].map((b) => Math.floor((b * 8) / this.cs)));
    this.linked.clear();
    for (const c of [...clusters].sort((x, y) => x - y))
      await this.t.pwrite(this.table.subarray(c * this.cs, (c + 1) * this.cs), this.tableOffset + c * this.cs);
  }

  /** Bytes of refcount blocks held in memory. */
  get cachedBytes(): number {
    return this.blocks.size * this.cs;
  }

  /** Drops the blocks already written (they are read again on demand). */
  evictClean(): void {
    for (const [b, buf] of this.blocks)
      if (!this.dirty.has(b)) {
        this.blocks.delete(b);
        this.spare.push(buf);
      }
  }
}

function read(blk: Uint8Array, i: number, bits: number): number {
  if (bits < 8) return (blk[(i * bits) >> 3]! >> ((i * bits) & 7)) & ((1 << bits) - 1);
  const bytes = bits / 8;
  let v = 0;
  for (let k = 0; k < bytes; k++) v = v * 256 + blk[i * bytes + k]!;
  return v;
}

function write(blk: Uint8Array, i: number, bits: number, v: number): void {
  if (bits < 8) {
    const at = (i * bits) >> 3;
    const sh = (i * bits) & 7;
    const m = ((1 << bits) - 1) << sh;
    blk[at] = (blk[at]! & ~m) | ((Math.min(v, (1 << bits) - 1) << sh) & m);
    return;
  }
  const bytes = bits / 8;
  for (let k = bytes - 1; k >= 0; k--) {
    blk[i * bytes + k] = v % 256;
    v = Math.floor(v / 256);
  }
}
