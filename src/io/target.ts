// Where written image bytes go. Every medium (Node file, OPFS, a download stream) implements this one
// small table of operations, as nbdkit plugins do; the copier never knows which it writes to.
import type { ImageSource } from './source.js';

export interface ImageTarget {
  /** A name for messages: a path or a file name. */
  readonly name: string;
  /** Current size in bytes (grows with writes past the end and with truncate). */
  readonly size: number;
  /** True when every byte not yet written reads as zero (a new, sparse file). */
  readonly startsZero: boolean;
  /** Writes all of `buf` at `offset`. The buffer may be a view onto Wasm memory: do not keep it. */
  pwrite(buf: Uint8Array, offset: number): Promise<void>;
  /** Makes [offset, offset+length) read as zeros; may punch a hole instead of writing. */
  zero(offset: number, length: number): Promise<void>;
  /**
   * Frees the storage under each [offset, length) range (a hole: reads as zeros, the size stays), as
   * QEMU passes a qcow2 discard down to its file; all ranges in one go (a discard may cost a process
   * spawn). Best effort: returns the bytes asked (within the file) and those known punched. Absent
   * where the medium has no holes.
   */
  discard?(ranges: [offset: number, length: number][]): Promise<{ asked: number; punched: number }>;
  /**
   * Copy offload: how this target can take bytes of `src` inside the kernel — 'share' (the file
   * system shares extents: a reflink), 'copy' (an in-kernel copy), undefined (not at all: read and
   * write). Absent where the medium has no such path (browser, HTTP, memory).
   */
  offloadFrom?(src: ImageSource): 'share' | 'copy' | undefined;
  /** Copies [srcOffset, srcOffset+length) of `src` to `offset` in the kernel (what the kernel declines goes through user space). */
  copyFrom?(src: ImageSource, srcOffset: number, offset: number, length: number, signal?: AbortSignal): Promise<void>;
  /** Sets the size: growing reads as zeros (sparse where the medium can), shrinking drops the tail. */
  truncate(size: number): Promise<void>;
  /** Makes every write so far durable (fdatasync). */
  flush(): Promise<void>;
  /** Reads back (for read-modify-write of metadata); fewer bytes only at the end. */
  pread?(buf: Uint8Array, offset: number): Promise<number>;
  /** Bytes the medium really stores, where known. */
  allocatedSize?(): Promise<number | undefined>;
  /** Success: the result becomes visible under its final name (rename + directory sync for files). */
  commit(): Promise<void>;
  /** Failure or cancel: a new target is removed; a reused one is closed as it is. */
  abort(): Promise<void>;
}

/** A target in memory, for tests and for the browser's download path before streaming exists. */
export class MemoryTarget implements ImageTarget {
  readonly startsZero = true;
  private buf = new Uint8Array(0);
  private len = 0;
  committed = false;
  constructor(readonly name = 'memory') {}
  get size(): number {
    return this.len;
  }
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
  private ensure(end: number): void {
    if (end <= this.buf.length) return;
    const next = new Uint8Array(Math.max(end, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  async pwrite(b: Uint8Array, offset: number): Promise<void> {
    this.ensure(offset + b.length);
    this.buf.set(b, offset);
    this.len = Math.max(this.len, offset + b.length);
  }
  async zero(offset: number, length: number): Promise<void> {
    this.ensure(offset + length);
    this.buf.fill(0, offset, offset + length);
    this.len = Math.max(this.len, offset + length);
  }
  async truncate(size: number): Promise<void> {
    this.ensure(size);
    if (size < this.len) this.buf.fill(0, size, this.len);
    this.len = size;
  }
  async pread(b: Uint8Array, offset: number): Promise<number> {
    const n = Math.max(0, Math.min(b.length, this.len - offset));
    b.set(this.buf.subarray(offset, offset + n));
    return n;
  }
  async flush(): Promise<void> {}
  async commit(): Promise<void> {
    this.committed = true;
  }
  async abort(): Promise<void> {}
}
