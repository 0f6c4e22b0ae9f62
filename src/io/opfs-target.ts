// A new file in the origin private file system, written through a synchronous access handle (in a
// dedicated worker). Bytes go to a hidden temporary name that becomes the real name only on commit(),
// so a cancelled or failed convert leaves nothing half-written behind.
import { locate, opfsError } from './opfs-path.js';
import type { ImageTarget } from './target.js';
import { createSyncHandle, type SyncAccessHandle } from './opfs-sync-handle.js';

const ZERO_CHUNK = 1 << 20;

export class OpfsTarget implements ImageTarget {
  readonly startsZero = true;
  /** Everything at or past this offset was never written since the file was created empty. */
  private highWater = 0;
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
    return this.closed ? 0 : this.handle.getSize();
  }

  async pread(buf: Uint8Array, offset: number): Promise<number> {
    const want = Math.max(0, Math.min(buf.length, this.handle.getSize() - offset));
    return want > 0 ? this.handle.read(buf.subarray(0, want), { at: offset }) : 0;
  }

  async pwrite(buf: Uint8Array, offset: number): Promise<void> {
    try {
      let done = 0;
      while (done < buf.length) done += this.handle.write(buf.subarray(done), { at: offset + done });
    } catch (e) {
      throw opfsError(e, this.name);
    }
    this.highWater = Math.max(this.highWater, offset + buf.length);
  }

  /** Makes [offset, offset+length) read as zeros; free where the file was never written there. */
  async zero(offset: number, length: number): Promise<void> {
    const end = offset + length;
    if (end > this.handle.getSize()) this.handle.truncate(end);
    const stop = Math.min(end, this.highWater);
    const zeros = new Uint8Array(Math.min(ZERO_CHUNK, Math.max(0, stop - offset)));
    for (let at = offset; at < stop; at += zeros.length) await this.pwrite(zeros.subarray(0, Math.min(zeros.length, stop - at)), at);
  }

  async truncate(size: number): Promise<void> {
    try {
      this.handle.truncate(size);
    } catch (e) {
      throw opfsError(e, this.name);
    }
    this.highWater = Math.min(this.highWater, size);
  }

  async flush(): Promise<void> {
    this.handle.flush();
  }

  /** Flushes, closes and gives the file its real name (replacing an older file of that name). */
  async commit(): Promise<void> {
    this.handle.flush();
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

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handle.close();
  }
}
