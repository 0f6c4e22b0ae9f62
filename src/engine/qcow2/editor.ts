// An existing qcow2 image edited in place (commit into a base, rebase, resize): clusters are written
// where they are when the image alone uses them (COPIED), else appended; L2 tables are read on demand.
// flush() orders the writes so a process killed at any point leaves an image that reads as before,
// with at most leaked clusters (qcow2.txt "Cluster mapping", "Host cluster management"):
//   data + refcount increments → [header, if the refcount table moved] → L2 tables → L1 → header
//   → refcount decrements of clusters no longer used. fdatasync between the steps.
// Memory stays bounded: when the L2 tables and refcount blocks held pass cacheLimit, the same steps
// up to the L2 tables run (then the decrements those tables made safe) and the cache is dropped; the
// L1 table and header wait for flush().
import type { ImageTarget } from '../../io/target.js';
import { EditRefcounts } from './edit-refcounts.js';
import { encodeEditedHeader, parseHeader, type ParsedHeader } from './parse-header.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import { entryOffset, entryOffsetAt } from './host-offset.js';
import { L2_COMPRESSED_HI, L2_COPIED_HI, L2_ZERO_LO } from '../../../assembly/qcow2/format';

const HI = 2 ** 32;

export class Qcow2Editor {
  readonly cs: number;
  readonly entryBytes: number;
  readonly perL2: number;
  l1: Uint8Array;
  private l1Dirty = false;
  l1Moved: { offset: number; clusters: number } | undefined;
  private readonly l2s = new Map<number, Uint8Array>();
  private readonly dirtyL2 = new Set<number>();
  /** Buffers of dropped tables, used again: dropping them to the GC let garbage pile up in old space. */
  private readonly spare: Uint8Array[] = [];
  /** Host ranges that dirty L2 entries stopped using: decremented once those tables are on disk. */
  private readonly released: [number, number][] = [];
  /** Host ranges the on-disk header still names (old L1, old refcount table): freed after it changes. */
  private readonly afterHeader: [number, number][] = [];
  /** Bytes of L2 tables and refcount blocks kept in memory before they are written and dropped. */
  cacheLimit = 4 * 2 ** 20;
  /** Released ranges remembered before they are applied. */
  releaseLimit = 2 ** 16;
  headerDirty = false;
  /** The header as it is on disk (h is the one being edited). */
  private disk: ParsedHeader;

  private constructor(
    readonly t: ImageTarget,
    readonly h: ParsedHeader,
    readonly refs: EditRefcounts,
  ) {
    this.disk = { ...h, extensions: [...h.extensions] };
    this.cs = 2 ** h.clusterBits;
    this.entryBytes = h.extL2 ? 16 : 8;
    this.perL2 = this.cs / this.entryBytes;
    this.l1 = new Uint8Array(0);
  }

  static async open(t: ImageTarget): Promise<Qcow2Editor> {
    const head = new Uint8Array(Math.min(t.size, 2 * 1024 * 1024));
    await t.pread!(head, 0);
    const h = parseHeader(head, t.name);
    if (h.incompat & 2)
      throw new VdiskError('E_QCOW2_CORRUPT', undefined, {
        path: t.name,
        hint: `run \`vdisk check -r all ${t.name}\`, then retry`,
      });
    if (h.incompat & 1)
      throw new VdiskError('E_QCOW2_DIRTY', undefined, {
        path: t.name,
        hint: `run \`vdisk check -r all ${t.name}\`, then retry`,
      });
    if (h.incompat & 4)
      throw new VdiskError('E_WRITE_UNSUPPORTED', 'images with an external data file cannot be edited', {
        path: t.name,
      });
    if (h.nbSnapshots > 0) throw new VdiskError('E_SNAPSHOTS_PRESENT', undefined, { path: t.name });
    const cs = 2 ** h.clusterBits;
    const table = new Uint8Array(h.refTableClusters * cs);
    await t.pread!(table, h.refTableOffset);
    const refs = new EditRefcounts(
      t,
      h.clusterBits,
      h.refcountOrder,
      table,
      h.refTableOffset,
      Math.ceil(t.size / cs) * cs,
    );
    const e = new Qcow2Editor(t, h, refs);
    e.l1 = new Uint8Array(h.l1Size * 8);
    if (h.l1Size) await t.pread!(e.l1, h.l1Offset);
    return e;
  }

  private l1Entry(i: number): number {
    if (i * 8 >= this.l1.length) return 0;
    const dv = new DataView(this.l1.buffer);
    return entryOffsetAt(dv, i * 8);
  }

  private async table(gc: number, create: boolean): Promise<Uint8Array | undefined> {
    const i = Math.floor(gc / this.perL2);
    const have = this.l2s.get(i);
    if (have) return have;
    const off = this.l1Entry(i);
    const buf = this.spare.pop()?.fill(0) ?? new Uint8Array(this.cs);
    if (off === 0) {
      if (!create) return undefined;
      if (i >= this.h.l1Size)
        throw new VdiskError('E_RANGE', `guest cluster ${gc} is past the image end`, { path: this.t.name });
      const at = await this.refs.alloc(1);
      const dv = new DataView(this.l1.buffer);
      dv.setUint32(i * 8, L2_COPIED_HI + Math.floor(at / HI));
      dv.setUint32(i * 8 + 4, at >>> 0);
      this.l1Dirty = true;
      this.dirtyL2.add(i);
    } else await this.t.pread!(buf, off);
    this.l2s.set(i, buf);
    return buf;
  }

  /** True when an L2 table maps the guest cluster's range. */
  async hasTable(gc: number): Promise<boolean> {
    await this.bound();
    return (await this.table(gc, false)) !== undefined;
  }

  /** The L2 entry of guest cluster gc as [hi, lo, bitmapHi, bitmapLo]. */
  async entry(gc: number): Promise<[number, number, number, number]> {
    await this.bound();
    return this.lookup(gc);
  }

  private async lookup(gc: number): Promise<[number, number, number, number]> {
    const tb = await this.table(gc, false);
    if (!tb) return [0, 0, 0, 0];
    const dv = new DataView(tb.buffer);
    const at = (gc % this.perL2) * this.entryBytes;
    return [
      dv.getUint32(at),
      dv.getUint32(at + 4),
      this.entryBytes === 16 ? dv.getUint32(at + 8) : 0,
      this.entryBytes === 16 ? dv.getUint32(at + 12) : 0,
    ];
  }

  private async setEntry(gc: number, v: [number, number, number, number]): Promise<void> {
    const tb = (await this.table(gc, true))!;
    const dv = new DataView(tb.buffer);
    const at = (gc % this.perL2) * this.entryBytes;
    dv.setUint32(at, v[0]);
    dv.setUint32(at + 4, v[1]);
    if (this.entryBytes === 16) {
      dv.setUint32(at + 8, v[2]);
      dv.setUint32(at + 12, v[3]);
    }
    this.dirtyL2.add(Math.floor(gc / this.perL2));
  }

  /** Remembers the host clusters an entry used, to be decremented once nothing points at them. */
  private release(e: [number, number, number, number]): void {
    if (e[0] & L2_COMPRESSED_HI) {
      const x = 62 - (this.h.clusterBits - 8);
      const v = (BigInt(e[0]) << 32n) | BigInt(e[1]);
      const off = Number(v & ((1n << BigInt(x)) - 1n));
      const sectors = Number((v >> BigInt(x)) & ((1n << BigInt(62 - x)) - 1n)) + 1;
      this.released.push([Math.floor(off / 512) * 512, sectors * 512]);
      return;
    }
    const off = entryOffset(e[0]!, e[1]!);
    if (off) this.released.push([off, this.cs]);
  }

  /** Writes one whole guest cluster. */
  async writeCluster(gc: number, data: Uint8Array): Promise<void> {
    await this.bound();
    const e = await this.lookup(gc);
    const off = entryOffset(e[0]!, e[1]!);
    const inPlace = off !== 0 && (e[0] & L2_COPIED_HI) !== 0 && (e[0] & L2_COMPRESSED_HI) === 0;
    const host = inPlace ? off : await this.refs.alloc(1);
    await this.t.pwrite(data, host);
    if (!inPlace) this.release(e);
    await this.setEntry(gc, [L2_COPIED_HI + Math.floor(host / HI), host >>> 0, 0, 0xffffffff]);
  }

  /** Guest cluster gc reads as zeros (v3 zero flag; compat=0.10 writes zeros). */
  async zeroCluster(gc: number): Promise<void> {
    if (this.h.version === 2) {
      await this.writeCluster(gc, new Uint8Array(this.cs));
      return;
    }
    await this.bound();
    const e = await this.lookup(gc);
    this.release(e);
    await this.setEntry(gc, this.entryBytes === 16 ? [0, 0, 0xffffffff, 0] : [0, L2_ZERO_LO, 0, 0]);
  }

  /** Guest cluster gc becomes unallocated (reads from the backing file). */
  async discardCluster(gc: number): Promise<void> {
    await this.bound();
    const e = await this.lookup(gc);
    if (!e[0] && !e[1] && !e[2] && !e[3]) return;
    this.release(e);
    await this.setEntry(gc, [0, 0, 0, 0]);
  }

  /** Grows or shrinks the virtual size; a larger L1 table is appended and the old one freed. */
  async setSize(size: number): Promise<void> {
    const need = Math.ceil(size / (this.cs * this.perL2));
    if (need > this.h.l1Size) {
      const oldClusters = Math.ceil((this.h.l1Size * 8) / this.cs);
      const clusters = Math.ceil((need * 8) / this.cs);
      const grown = new Uint8Array(clusters * this.cs);
      grown.set(this.l1);
      if (this.h.l1Size && !this.l1Moved) this.afterHeader.push([this.h.l1Offset, oldClusters * this.cs]);
      else if (this.l1Moved) this.released.push([this.l1Moved.offset, this.l1Moved.clusters * this.cs]); // never named by the header
      this.h.l1Offset = await this.refs.alloc(clusters);
      this.l1 = grown;
      this.l1Moved = { offset: this.h.l1Offset, clusters };
      this.l1Dirty = true;
    }
    this.h.l1Size = Math.max(need, this.h.l1Size);
    this.h.size = size;
    this.headerDirty = true;
  }

  async flush(): Promise<void> {
    await this.writeTables();
    if (this.l1Dirty)
      await this.t.pwrite(this.l1Moved ? this.l1 : this.l1.subarray(0, this.h.l1Size * 8), this.h.l1Offset);
    this.l1Dirty = false;
    if (this.headerDirty) await this.writeHeader();
    await this.t.flush();
    this.l1Moved = undefined;
    await this.decrement(this.afterHeader);
    await this.decrement(this.released);
    this.evict();
  }

  /** Between two calls: writes and drops the cache once it passes its limit (see the file comment). */
  private async bound(): Promise<void> {
    if (this.l2s.size * this.cs + this.refs.cachedBytes <= this.cacheLimit && this.released.length <= this.releaseLimit)
      return;
    if (this.dirtyL2.size || this.refs.dirty.size || this.released.length) {
      await this.writeTables();
      await this.decrement(this.released);
    }
    this.evict();
  }

  /** Data and refcount increments → [header fields of a moved refcount table] → L2 tables, synced. */
  private async writeTables(): Promise<void> {
    await this.refs.writeDirty();
    await this.t.flush();
    if (this.refs.tableMoved) {
      // Only the refcount table fields change here: the rest of the header waits for its tables.
      this.h.refTableOffset = this.refs.tableOffset;
      this.h.refTableClusters = this.refs.tableClusters;
      this.disk.refTableOffset = this.h.refTableOffset;
      this.disk.refTableClusters = this.h.refTableClusters;
      await this.t.pwrite(encodeEditedHeader(this.disk), 0);
      await this.t.flush();
      this.refs.tableMoved = false;
      const old = this.refs.oldTable;
      if (old) {
        this.afterHeader.push([old.offset, old.clusters * this.cs]);
        this.refs.oldTable = undefined;
      }
    }
    if (this.dirtyL2.size === 0) return;
    for (const i of [...this.dirtyL2].sort((a, b) => a - b)) await this.t.pwrite(this.l2s.get(i)!, this.l1Entry(i));
    this.dirtyL2.clear();
    await this.t.flush();
  }

  /** Lowers the refcounts of ranges nothing on disk names any more, and syncs them. */
  private async decrement(ranges: [number, number][]): Promise<void> {
    if (ranges.length === 0) return;
    for (const [off, len] of ranges.splice(0)) {
      for (let k = Math.floor(off / this.cs); k * this.cs < off + len; k++) await this.refs.add(k, -1);
    }
    await this.refs.writeDirty();
    await this.t.flush();
  }

  /** Drops written L2 tables and refcount blocks (read again on demand). */
  private evict(): void {
    for (const [i, buf] of this.l2s)
      if (!this.dirtyL2.has(i)) {
        this.l2s.delete(i);
        this.spare.push(buf);
      }
    this.refs.evictClean();
  }

  private async writeHeader(): Promise<void> {
    await this.t.pwrite(encodeEditedHeader(this.h), 0);
    this.disk = { ...this.h, extensions: [...this.h.extensions] };
    this.headerDirty = false;
  }
}
