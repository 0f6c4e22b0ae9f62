// An image held in memory, for tests: bytes plus, optionally, the extents a medium would report.
import type { Extent, ImageSource } from './source.js';
import { checkExtentList, clipExtents, type ZeroAwareExtent } from './extent-list.js';
import { readLength } from './read-range.js';
import { VdiskError } from '../errors/vdisk-error.js';

export interface MemorySourceOptions {
  name?: string;
  /** Whole-image allocation runs, sorted; without them the source has no extents(). */
  extents?: ZeroAwareExtent[];
  /** What allocatedSize() reports, if anything. */
  allocatedSize?: number;
}

export class MemorySource implements ImageSource {
  readonly name: string;
  readonly size: number;
  readonly extents?: (offset: number, length: number) => Promise<Extent[]>;
  private closed = false;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly options: MemorySourceOptions = {},
  ) {
    this.name = options.name ?? 'memory';
    this.size = bytes.length;
    const list = options.extents;
    if (list) {
      checkExtentList(list, this.name);
      this.extents = async (offset, length) => clipExtents(list, offset, Math.min(offset + length, this.size));
    }
  }

  async pread(buf: Uint8Array, offset: number): Promise<number> {
    if (this.closed) throw new VdiskError('E_IO', `${this.name} is closed`, { path: this.name });
    const n = readLength(buf, offset, this.size, this.name);
    buf.set(this.bytes.subarray(offset, offset + n));
    return n;
  }

  async allocatedSize(): Promise<number | undefined> {
    return this.options.allocatedSize;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
