// Refcounts of an existing image being edited in place (qcow2.txt "Host cluster management").
// Blocks are read on demand and kept while edited; new clusters are appended at the end of the file
// and counted at once (a missing refcount block or a full refcount table is allocated the same way);
// decrements wait until the metadata that stopped using a cluster is on disk (see editor.ts).
import type { ImageTarget } from '../../../io/target.js';

const MASK_HI = 0x00ffffff;
const MASK_LO = 0xfffffe00;

export class EditRefcounts {
  readonly blocks = new Map<number, Uint8Array>();
  readonly dirty = new Set<number>();
  table: Uint8Array;
  tableMoved = false;
  /** Old refcount table clusters, freed after the header points at the new table. */
  oldTable: { offset: number; clusters: number } | undefined;
  readonly cs: number;
  readonly bits: number;
  readonly perBlock: number;

  constructor(private readonly t: ImageTarget, clusterBits: number, order: number, table: Uint8Array, public tableOffset: number, public end: number) {
    this.cs = 2 ** clusterBits;
    this.bits = 2 ** order;
    this.perBlock = (this.cs * 8) / this.bits;
    this.table = table;
  }

  get tableClusters(): number { return this.table.length / this.cs; }

  private entry(b: number): number {
    if (b * 8 >= this.table.length) return 0;
    const dv = new DataView(this.table.buffer, this.table.byteOffset);
    return (dv.getUint32(b * 8) & MASK_HI) * 2 ** 32 + (dv.getUint32(b * 8 + 4) & MASK_LO);
  }

  private async block(b: number, create: boolean): Promise<Uint8Array | undefined> {
    const have = this.blocks.get(b);
    if (have) return have;
    const off = this.entry(b);
    if (off === 0) {
      if (!create) return undefined;
      const buf = new Uint8Array(this.cs);
      this.blocks.set(b, buf);
      this.dirty.add(b);
      const at = this.end;
      this.end += this.cs;
      await this.setTableEntry(b, at);
      await this.add(at / this.cs, 1);
      return buf;
    }
    const buf = new Uint8Array(this.cs);
    await this.t.pread!(buf, off);
    this.blocks.set(b, buf);
    return buf;
  }

  private async setTableEntry(b: number, off: number): Promise<void> {
    if (b * 8 >= this.table.length) {
      const grown = new Uint8Array(Math.max(this.table.length * 2, Math.ceil(((b + 1) * 8) / this.cs) * this.cs));
      grown.set(this.table);
      if (!this.oldTable) this.oldTable = { offset: this.tableOffset, clusters: this.tableClusters };
      this.table = grown;
      this.tableMoved = true;
      this.tableOffset = this.end;
      this.end += grown.length;
      for (let k = 0; k < grown.length / this.cs; k++) await this.add(this.tableOffset / this.cs + k, 1);
    }
    const dv = new DataView(this.table.buffer, this.table.byteOffset);
    dv.setUint32(b * 8, Math.floor(off / 2 ** 32));
    dv.setUint32(b * 8 + 4, off >>> 0);
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

  async writeDirty(): Promise<void> {
    for (const b of this.dirty) {
      let off = this.entry(b);
      if (off === 0) off = (await this.alloc(1), this.entry(b));
      await this.t.pwrite(this.blocks.get(b)!, off);
    }
    this.dirty.clear();
    if (this.tableMoved) await this.t.pwrite(this.table, this.tableOffset);
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
  for (let k = bytes - 1; k >= 0; k--) { blk[i * bytes + k] = v % 256; v = Math.floor(v / 256); }
}
