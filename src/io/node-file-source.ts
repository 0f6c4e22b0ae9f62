// A local file (or block device) read through a Node FileHandle. Holes come from the kernel
// (seek-data.ts), exactly as qemu-img sees them for a raw image.
import { open, type FileHandle } from 'node:fs/promises';
import { readSync } from 'node:fs';
import type { Extent, ImageSource } from './source.js';
import { VdiskError } from '../errors/vdisk-error.js';
import { fsError } from './fs-error.js';
import { findAllocation, loadSeek } from './seek-data.js';
import { pushExtent } from './extent-list.js';
import { readLength } from './read-range.js';

const SEEK_END = 2;
/** Metadata-sized reads are done in place: a thread-pool round trip costs more than a cached read. */
const SYNC_READ_MAX = 256 * 1024;

export class NodeFileSource implements ImageSource {
  private constructor(
    readonly name: string,
    readonly size: number,
    private readonly handle: FileHandle,
  ) {}

  /** The descriptor (checked by whoever opened it): copy offload reads through it, never by name. */
  get fd(): number {
    return this.handle.fd;
  }

  /** A file the caller opened and checked (the agent's safe-open): read through that descriptor, never by name. */
  static adopt(name: string, handle: FileHandle, size: number): NodeFileSource {
    return new NodeFileSource(name, size, handle);
  }

  static async open(path: string): Promise<NodeFileSource> {
    let handle: FileHandle | undefined;
    try {
      handle = await open(path, 'r');
      const st = await handle.stat();
      if (st.isDirectory()) throw new VdiskError('E_IO', `${path} is a directory, not an image`, { path });
      // A block device's st_size is 0: its size is where SEEK_END lands.
      const seek = st.isBlockDevice() ? loadSeek() : null;
      const end = seek ? seek(handle.fd, 0, SEEK_END) : st.size;
      if (typeof end !== 'number') throw Object.assign(new Error(`lseek: ${end}`), { code: end });
      const size = end;
      return new NodeFileSource(path, size, handle);
    } catch (e) {
      await handle?.close().catch(() => {});
      throw fsError(e, path, 'open');
    }
  }

  async pread(buf: Uint8Array, offset: number): Promise<number> {
    const want = readLength(buf, offset, this.size, this.name);
    let done = 0;
    try {
      // The kernel may return fewer bytes than asked; only end of file ends the loop early.
      while (done < want) {
        const bytesRead =
          want <= SYNC_READ_MAX
            ? readSync(this.handle.fd, buf, done, want - done, offset + done)
            : (await this.handle.read(buf, done, want - done, offset + done)).bytesRead;
        if (bytesRead === 0) break;
        done += bytesRead;
      }
    } catch (e) {
      throw fsError(e, this.name, `read at ${offset} from`);
    }
    return done;
  }

  /** Runs of data and holes in [offset, offset+length): two lseek calls per run, never a scan. */
  async extents(offset: number, length: number): Promise<Extent[]> {
    const end = Math.min(offset + length, this.size);
    const out: Extent[] = [];
    let pos = Math.max(0, offset);
    while (pos < end) {
      const a = findAllocation(this.handle.fd, pos);
      if (a.kind === 'trailing-hole' || a.kind === 'unknown') {
        pushExtent(out, { start: pos, length: end - pos, data: a.kind === 'unknown' });
        break;
      }
      const runEnd = Math.min(a.end, end);
      pushExtent(out, { start: pos, length: runEnd - pos, data: a.kind === 'data' });
      pos = runEnd;
    }
    return out;
  }

  async allocatedSize(): Promise<number> {
    try {
      return (await this.handle.stat()).blocks * 512;
    } catch (e) {
      throw fsError(e, this.name, 'stat');
    }
  }

  /** fstat of the open descriptor: the file this source reads, whatever its name now points at. */
  async currentSize(): Promise<number> {
    try {
      const st = await this.handle.stat();
      return st.isFile() ? st.size : this.size;
    } catch (e) {
      throw fsError(e, this.name, 'stat');
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
