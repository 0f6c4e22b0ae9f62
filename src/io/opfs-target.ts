// A new file in the origin private file system, written through a synchronous access handle (in a
// dedicated worker). Bytes go to a hidden temporary name that becomes the real name only on commit(),
// so a cancelled or failed convert leaves nothing half-written behind.
import { locate, opfsError } from './opfs-path.js';
import type { ImageTarget } from './target.js';
import { createSyncHandle, opfsTimings, type SyncAccessHandle } from './opfs-sync-handle.js';

const ZERO_CHUNK = 1 << 20;
const MiB = 1 << 20;
// Chromium asks the browser process for quota each time a sync handle's file grows: growing in large
// steps (then trimming to the real size at commit) turns thousands of those round trips into a few.
const GROW_MIN = 64 * MiB;
const GROW_MAX = 1024 * MiB;

export class OpfsTarget implements ImageTarget {
  readonly startsZero = true;
  /** Everything at or past this offset was never written since the file was created empty. */
  private highWater = 0;
  /** The file's size as the image sees it; the handle's file may be longer until commit. */
  private logical = 0;
  private physical = 0;
  private closed = false;

  private constructor(
    readonly name: string,
    private readonly dir: FileSystemDirectoryHandle,
    private readonly tmpName: string,
    private readonly finalName: string,
    private readonly file: FileSystemFileHandle,
    private readonly handle: SyncAccessHandle,
  ) {}

  static async create(path: string): Promise<OpfsTarget> {
    const at = await locate(path, true);
    const tmp = `.${at.name}.${Date.now().toString(36)}.partial`;
    try {
      const file = await at.dir.getFileHandle(tmp, { create: true });
      const handle = await createSyncHandle(file);
      handle.truncate(0);
      return new OpfsTarget(at.path, at.dir, tmp, at.name, file, handle);
    } catch (e) {
      throw opfsError(e, at.path);
    }
  }

  get size(): number {
    return this.logical;
  }

  async pread(buf: Uint8Array, offset: number): Promise<number> {
    const want = Math.max(0, Math.min(buf.length, this.logical - offset));
    return want > 0 ? this.handle.read(buf.subarray(0, want), { at: offset }) : 0;
  }

  async pwrite(buf: Uint8Array, offset: number): Promise<void> {
    const t0 = performance.now();
    try {
      this.reserve(offset + buf.length);
      let done = 0;
      while (done < buf.length) done += this.handle.write(buf.subarray(done), { at: offset + done });
    } catch (e) {
      throw opfsError(e, this.name);
    }
    this.highWater = Math.max(this.highWater, offset + buf.length);
    this.logical = Math.max(this.logical, offset + buf.length);
    opfsTimings.writeMs += performance.now() - t0;
    opfsTimings.writeBytes += buf.length;
  }

  /** Makes [offset, offset+length) read as zeros; free where the file was never written there. */
  async zero(offset: number, length: number): Promise<void> {
    const end = offset + length;
    this.logical = Math.max(this.logical, end); // past highWater the file reads as zeros already
    const stop = Math.min(end, this.highWater);
    const zeros = new Uint8Array(Math.min(ZERO_CHUNK, Math.max(0, stop - offset)));
    for (let at = offset; at < stop; at += zeros.length)
      await this.pwrite(zeros.subarray(0, Math.min(zeros.length, stop - at)), at);
  }

  async truncate(size: number): Promise<void> {
    const t0 = performance.now();
    try {
      this.handle.truncate(size);
      this.physical = size;
      this.logical = size;
      opfsTimings.truncateMs += performance.now() - t0;
    } catch (e) {
      throw opfsError(e, this.name);
    }
    this.highWater = Math.min(this.highWater, size);
  }

  async flush(): Promise<void> {
    const t0 = performance.now();
    this.handle.flush();
    opfsTimings.flushMs += performance.now() - t0;
  }

  /** Flushes, closes and gives the file its real name (replacing an older file of that name). */
  async commit(): Promise<void> {
    if (this.physical !== this.logical) await this.truncate(this.logical);
    await this.flush();
    this.close();
    try {
      await this.dir.removeEntry(this.finalName).catch(() => undefined);
      await (this.file as FileSystemFileHandle & { move(name: string): Promise<void> }).move(this.finalName);
    } catch (e) {
      throw opfsError(e, this.name);
    }
  }

  /** Closes and removes the temporary file: what a cancelled or failed convert leaves is nothing. */
  async abort(): Promise<void> {
    this.close();
    await this.dir.removeEntry(this.tmpName).catch(() => undefined);
  }

  /** Makes the file at least `end` bytes long, growing it in large steps. */
  private reserve(end: number): void {
    if (end <= this.physical) return;
    const t0 = performance.now();
    const next = end + Math.min(GROW_MAX, Math.max(GROW_MIN, this.physical));
    this.handle.truncate(next);
    this.physical = next;
    opfsTimings.truncateMs += performance.now() - t0;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handle.close();
  }
}
