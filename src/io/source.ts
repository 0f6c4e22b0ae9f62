// Where image bytes come from. Every medium (Node file, Blob/File, HTTP range, OPFS) implements this
// one small interface; the engine never sees which. Modelled on nbdkit's plugin table of operations.

/** A run of the medium's own allocation: `data: false` means a hole that reads as zeros. */
export interface Extent {
  start: number;
  length: number;
  data: boolean;
}

export interface ImageSource {
  /** A name for messages: a path, a URL or a file name. */
  readonly name: string;
  /** Size in bytes, fixed at open. */
  readonly size: number;
  /**
   * Read `buf.length` bytes at `offset` into `buf` (typically a 4 KiB-aligned view onto Wasm memory).
   * Returns the bytes read: fewer only at end of file. Never reads past `size`.
   */
  pread(buf: Uint8Array, offset: number): Promise<number>;
  /**
   * Allocation runs covering [offset, offset+length), in order, where the medium knows them
   * (SEEK_DATA/SEEK_HOLE, ovirt-imageio style extents). Absent: everything is data.
   */
  extents?(offset: number, length: number): Promise<Extent[]>;
  /** Bytes the medium really stores (st_blocks * 512), where known. */
  allocatedSize?(): Promise<number | undefined>;
  /**
   * The medium's size now, where it can tell (a file another program may grow under a copy); absent:
   * the size fixed at open is all there is. The engine's "source changed underneath" check asks it.
   */
  currentSize?(): Promise<number>;
  /** The open host descriptor of a local file (Node): copy offload copies from it in the kernel. */
  readonly fd?: number;
  close(): Promise<void>;
}
