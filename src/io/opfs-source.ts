// An image in the origin private file system, read through a synchronous access handle: the
// fastest file access a browser offers, and only available inside a dedicated worker. The handle
// locks the file for this tab until close().
import type { ImageSource } from './source.js';
import { readLength } from './read-range.js';
import { locate, opfsError } from './opfs-path.js';
import { createSyncHandle, opfsTimings, type SyncAccessHandle } from './opfs-sync-handle.js';

export class OpfsSource implements ImageSource {
  private constructor(
    readonly name: string,
    readonly size: number,
    private readonly handle: SyncAccessHandle,
  ) {}

  static async open(path: string): Promise<OpfsSource> {
    const at = await locate(path);
    try {
      const file = await at.dir.getFileHandle(at.name);
      const handle = await createSyncHandle(file);
      return new OpfsSource(at.path, handle.getSize(), handle);
    } catch (e) {
      throw opfsError(e, at.path);
    }
  }

  async pread(buf: Uint8Array, offset: number): Promise<number> {
    const want = readLength(buf, offset, this.size, this.name);
    if (want === 0) return 0;
    let done = 0;
    const t0 = performance.now();
    while (done < want) {
      const n = this.handle.read(buf.subarray(done, want), { at: offset + done });
      if (n <= 0) break;
      done += n;
    }
    opfsTimings.readMs += performance.now() - t0;
    opfsTimings.readBytes += done;
    return done;
  }

  async close(): Promise<void> {
    this.handle.close();
  }
}
