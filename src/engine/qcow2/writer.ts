// A new qcow2 image as a copy sink (layout.ts draws the file). Host space is handed out by one
// append pointer in guest order; the L2 table being filled is the only one in memory and is written
// as soon as the copy moves past its range, and so is each refcount block once the append pointer
// passes the host range it covers (`settle`); L1, the last refcount blocks, the refcount table and
// finally the header are written by finish(). Entries follow qcow2.txt "Cluster mapping" and "Extended L2 Entries".
import type { ImageTarget } from '../../io/target.js';
import type { Sink } from '../copy/sink.js';
import type { Qcow2Params } from './options.js';
import { encodeHeader, geometry, type Geometry, type HeaderFields } from './layout.js';
import { Refcounts } from './refcounts.js';
import { compressedDescriptor } from './compressed.js';
import { L2_COPIED_HI } from '../../../assembly/qcow2/format';
import type { ImageSource } from '../../io/source.js';

export interface WriterOptions {
  size: number;
  backing?: { name: string; format: string };
  /** -c: compresses each data cluster; returns null when it does not shrink. */
  compress?: (cluster: Uint8Array) => Uint8Array | null;
  extensions?: HeaderFields['extensions'];
  autoclear?: number;
  /**
   * Host clusters [0, n) hold an image this one replaces in the same file (-n -c onto an empty
   * target). The new tables and data go after them, so until the new header is written over the old
   * one the file is still the old image; clusters 1..n-1 keep refcount 0 and are discarded once the
   * new header is on disk.
   */
  replaces?: number;
}

const HI = 2 ** 32;

export class Qcow2Writer implements Sink {
  readonly unit: number;
  readonly backed: boolean;
  readonly geo: Geometry;
  readonly refs: Refcounts;
  private next: number; // append pointer, bytes, cluster aligned
  /** Where the next compressed piece may start, inside a cluster a piece ended in; 0: none. */
  private free = 0;
  /** Whether finish() has begun writing the header (the file may no longer be the image it replaces). */
  headerWritten = false;
  private readonly l1: Float64Array;
  private l2Index = -1;
  private l2 = new Uint8Array(0);
  private l2Dirty = false;
  private readonly pending = new Set<Promise<void>>();
  private l2Base = 0;
  private preBase = 0;

  constructor(
    private readonly target: ImageTarget,
    readonly p: Qcow2Params,
    private readonly o: WriterOptions,
  ) {
    const first = Math.max(1, o.replaces ?? 1);
    this.geo = geometry(p, o.size, first);
    this.unit = this.geo.cluster;
    this.backed = o.backing !== undefined;
    this.refs = new Refcounts(p.clusterBits, p.refcountOrder, [1, first]);
    this.l1 = new Float64Array(this.geo.l1Size);
    this.next = this.geo.dataStart;
    if (p.prealloc) {
      this.l2Base = this.next;
      this.preBase = this.l2Base + this.geo.l1Size * this.geo.cluster;
      this.next = this.preBase + Math.ceil(o.size / this.geo.cluster) * this.geo.cluster;
      for (let i = 0; i < this.geo.l1Size; i++) this.l1[i] = this.l2Base + i * this.geo.cluster;
    }
    this.settle();
  }

  /**
   * Writes the refcount block of every host range the append pointer has passed (all its clusters
   * are in use and no later piece can share them), each in a cluster appended for it.
   */
  private settle(): void {
    const cs = this.geo.cluster;
    while (this.next >= (this.refs.written + 1) * this.refs.rangeBytes) {
      const at = Math.ceil(this.next / cs) * cs;
      this.next = at + cs;
      void this.track(this.target.pwrite(this.refs.take(at / cs), at));
    }
  }

  private track(p: Promise<void>): Promise<void> {
    this.pending.add(p);
    return p.finally(() => this.pending.delete(p));
  }

  /** Appends `n` whole clusters (also used for bitmap tables and data, bitmap-write.ts). */
  allocClusters(n: number): number {
    const cs = this.geo.cluster;
    const at = Math.ceil(this.next / cs) * cs;
    this.next = at + n * cs;
    this.settle();
    return at;
  }

  /** Switches the in-memory L2 table to the one mapping guest cluster `gc`, writing the old one. */
  private table(gc: number): number {
    const idx = Math.floor(gc / this.geo.perL2);
    if (idx !== this.l2Index) {
      this.flushL2();
      this.l2Index = idx;
      this.l2 = new Uint8Array(this.geo.cluster);
      this.l2Dirty = false;
      if (this.p.prealloc) this.mapWholeTable(idx);
    }
    return (gc % this.geo.perL2) * this.geo.entryBytes;
  }

  private flushL2(): void {
    if (this.l2Index < 0 || (!this.l2Dirty && !this.p.prealloc)) return;
    const host = this.p.prealloc ? this.l1[this.l2Index]! : this.allocClusters(1);
    this.l1[this.l2Index] = host;
    this.written.add(this.l2Index);
    void this.track(this.target.pwrite(this.l2, host));
    this.l2Index = -1;
  }

  private setEntry(gc: number, hi: number, lo: number, bitmapHi: number, bitmapLo: number): void {
    const at = this.table(gc);
    const dv = new DataView(this.l2.buffer);
    dv.setUint32(at, hi);
    dv.setUint32(at + 4, lo);
    if (this.geo.entryBytes === 16) {
      dv.setUint32(at + 8, bitmapHi);
      dv.setUint32(at + 12, bitmapLo);
    }
    this.l2Dirty = true;
  }

  private mapData(gc: number, host: number): void {
    this.setEntry(gc, L2_COPIED_HI + Math.floor(host / HI), host >>> 0, 0, 0xffffffff);
  }

  data(offset: number, bytes: Uint8Array): Promise<void> {
    const cs = this.geo.cluster;
    const first = offset / cs;
    const n = Math.ceil(bytes.length / cs);
    if (this.o.compress) return this.compressed(first, n, bytes);
    const host = this.p.prealloc ? this.preBase + first * cs : this.allocClusters(n);
    for (let i = 0; i < n; i++) this.mapData(first + i, host + i * cs);
    return this.track(this.target.pwrite(bytes, host));
  }

  /** Copy offload (none when compressing): clusters are appended as for data(), cluster-aligned on the host. */
  offloadFrom(src: ImageSource): 'share' | 'copy' | undefined {
    return this.o.compress ? undefined : this.target.offloadFrom?.(src);
  }

  copy(offset: number, length: number, src: ImageSource, srcOffset: number, signal?: AbortSignal): Promise<void> {
    const cs = this.geo.cluster;
    const first = offset / cs;
    const n = Math.ceil(length / cs);
    const host = this.p.prealloc ? this.preBase + first * cs : this.allocClusters(n);
    for (let i = 0; i < n; i++) this.mapData(first + i, host + i * cs);
    return this.track(this.target.copyFrom!(src, srcOffset, host, length, signal));
  }

  private compressed(first: number, n: number, bytes: Uint8Array): Promise<void> {
    const cs = this.geo.cluster;
    const writes: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      let c = bytes.subarray(i * cs, (i + 1) * cs);
      if (c.length < cs) {
        const full = new Uint8Array(cs);
        full.set(c);
        c = full;
      }
      const z = this.o.compress!(c);
      if (!z) {
        const host = this.allocClusters(1);
        this.mapData(first + i, host);
        writes.push(this.track(this.target.pwrite(c.slice(), host)));
        continue;
      }
      const at = this.placePiece(z.length);
      const d = compressedDescriptor(this.p.clusterBits, at, z.length);
      this.setEntry(first + i, d.hi, d.lo, 0, 0);
      writes.push(this.track(this.target.pwrite(z, at)));
    }
    return Promise.all(writes).then(() => {});
  }

  /**
   * Host offset for a compressed piece of `len` bytes, packed byte by byte as qcow2_alloc_bytes packs
   * them (a reader takes the 512-byte sectors the descriptor names and stops at the end of the
   * stream): into the rest of the cluster the last piece ended in, even with an L2 table or a
   * refcount block appended since, running on into fresh clusters when that cluster is the last one
   * appended. A cluster that takes another piece counts one more reference; fresh ones count 1.
   */
  private placePiece(len: number): number {
    const cs = this.geo.cluster;
    const c = Math.floor(this.free / cs);
    const room = this.free ? (c + 1) * cs - this.free : 0;
    let at: number;
    if (room > 0 && (len <= room || (c + 1) * cs === this.next) && this.refs.canShare(c)) {
      this.refs.addShared(c);
      at = this.free;
      if (len > room) {
        this.next += Math.ceil((len - room) / cs) * cs;
        this.settle();
      }
    } else {
      at = this.allocClusters(Math.ceil(len / cs));
    }
    this.free = (at + len) % cs ? at + len : 0;
    return at;
  }

  zero(offset: number, length: number): Promise<void> {
    if (!this.backed || this.p.prealloc) return Promise.resolve();
    const cs = this.geo.cluster;
    const first = offset / cs;
    const n = Math.ceil(length / cs);
    if (this.p.version === 2) return this.writeZeros(first, n);
    for (let i = 0; i < n; i++) {
      if (this.geo.entryBytes === 16) this.setEntry(first + i, 0, 0, 0xffffffff, 0);
      else this.setEntry(first + i, 0, 1, 0, 0);
    }
    return Promise.resolve();
  }

  /** compat=0.10 has no zero clusters: zeros over a backing file are written as data. */
  private async writeZeros(first: number, n: number): Promise<void> {
    const cs = this.geo.cluster;
    const per = Math.max(1, Math.floor((1 << 20) / cs));
    const zeros = new Uint8Array(per * cs);
    for (let i = 0; i < n; i += per) {
      const k = Math.min(per, n - i);
      await this.data((first + i) * cs, zeros.subarray(0, k * cs));
    }
  }

  hole(): Promise<void> {
    return Promise.resolve();
  }

  async finish(): Promise<void> {
    this.flushL2();
    const cs = this.geo.cluster;
    if (this.p.prealloc) {
      for (let i = 0; i < this.geo.l1Size; i++) {
        if (this.written.has(i)) continue;
        this.table(i * this.geo.perL2);
        this.flushL2();
      }
      await this.target.truncate(Math.max(this.target.size, this.next));
    }
    while (this.pending.size) await Promise.all(this.pending);
    const l1 = new Uint8Array(Math.max(1, Math.ceil((this.geo.l1Size * 8) / cs)) * cs);
    const dv = new DataView(l1.buffer);
    for (let i = 0; i < this.geo.l1Size; i++) {
      const v = this.l1[i]!;
      if (v) {
        dv.setUint32(i * 8, L2_COPIED_HI + Math.floor(v / HI));
        dv.setUint32(i * 8 + 4, v >>> 0);
      }
    }
    await this.target.pwrite(l1, this.geo.l1Offset);
    const used = Math.ceil(this.next / cs);
    const r = this.refs.layout(used);
    for (let b = 0; b < r.blocks; b++) await this.target.pwrite(this.refs.encodeBlock(b, r.end), (r.blocksAt + b) * cs);
    await this.target.pwrite(this.refs.encodeTable(r.blocksAt, r.blocks, r.tableClusters), r.tableAt * cs);
    await this.target.flush();
    this.headerWritten = true;
    await this.target.pwrite(
      encodeHeader(this.p, {
        size: this.o.size,
        l1Size: this.geo.l1Size,
        l1Offset: this.geo.l1Offset,
        refTableOffset: r.tableAt * cs,
        refTableClusters: r.tableClusters,
        backing: this.o.backing,
        extensions: this.o.extensions,
        autoclear: this.o.autoclear,
      }),
      0,
    );
    const old = this.geo.l1Offset / cs;
    if (old > 1 && this.target.discard) {
      await this.target.flush(); // the old tables stay readable until the header no longer names them
      await this.target.discard([[cs, (old - 1) * cs]]);
    }
  }

  private readonly written = new Set<number>();
  /** preallocation=metadata: every guest cluster of a table maps its fixed host cluster. */
  private mapWholeTable(idx: number): void {
    const cs = this.geo.cluster;
    const first = idx * this.geo.perL2;
    const last = Math.min(first + this.geo.perL2, Math.ceil(this.o.size / cs));
    for (let gc = first; gc < last; gc++) this.mapData(gc, this.preBase + gc * cs);
  }
}
