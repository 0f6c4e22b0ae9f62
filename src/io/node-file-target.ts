// A local file as a write target. A new file is written under a temporary name beside the
// destination (`.NAME.vdisk-PID.part`), flushed with fdatasync, renamed into place and its directory
// fsynced, so a file at the destination name is always complete. Temporaries of earlier runs whose
// process is gone are removed first. A reused file (-n) is written in place and kept on failure.
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import type { ImageTarget } from './target.js';
import { targetFsError } from './target-error.js';
import { coalesce, punchHolesFd, zeroRangeFd } from './punch-hole.js';
import type { OffloadKind } from './native/copy-range.js';
import type { ImageSource } from './source.js';
import { VdiskError } from '../errors/vdisk-error.js';
import { removeStaleTemporaries, renameIntoPlace, tempNameFor } from './node-temp-files.js';
import { WriteBehind } from './write-behind.js';
import { FileOffload } from './node-file-offload.js';

export { removeStaleTemporaries, tempNameFor };

const ZEROS = new Uint8Array(1 << 20);

export interface NodeTargetOptions {
  /** Write into the existing file in place (qemu-img convert -n, commit, rebase). */
  reuse?: boolean;
  /** Replace an existing destination (otherwise E_TARGET_EXISTS). */
  overwrite?: boolean;
  /** false: skip fdatasync and the directory fsync (qemu-img's -t unsafe); the rename stays atomic. */
  durable?: boolean;
}

/** A descriptor the caller opened and checked (the agent's safe-open), adopted as a target. */
export interface AdoptOptions {
  name: string;
  /** A new file written under this temporary name and renamed to `name` at commit; absent: written in place. */
  tempPath?: string;
  durable?: boolean;
  /** Runs on the open descriptor after the last flush, before it is closed and renamed (mode, owner, checks). */
  beforeRename?: (handle: FileHandle) => Promise<void>;
}

export class NodeFileTarget implements ImageTarget {
  private ended = false;
  private readonly behind: WriteBehind;
  private readonly offload: FileOffload;
  private constructor(
    readonly name: string,
    private readonly writePath: string,
    private readonly handle: FileHandle,
    private cur: number,
    readonly startsZero: boolean,
    private readonly reuse: boolean,
    private readonly durable = true,
    private readonly beforeRename?: (handle: FileHandle) => Promise<void>,
  ) {
    this.behind = new WriteBehind(handle, durable);
    this.offload = new FileOffload(handle.fd);
  }

  get size(): number {
    return this.cur;
  }

  static async adopt(handle: FileHandle, o: AdoptOptions): Promise<NodeFileTarget> {
    const fresh = o.tempPath !== undefined;
    const size = fresh ? 0 : (await handle.stat()).size;
    return new NodeFileTarget(
      o.name,
      o.tempPath ?? o.name,
      handle,
      size,
      fresh,
      !fresh,
      o.durable ?? true,
      o.beforeRename,
    );
  }

  static async create(path: string, opts: NodeTargetOptions = {}): Promise<NodeFileTarget> {
    if (opts.reuse) {
      try {
        const h = await open(path, 'r+');
        return new NodeFileTarget(path, path, h, (await h.stat()).size, false, true, opts.durable ?? true);
      } catch (e) {
        throw targetFsError(e, path, 'open for writing');
      }
    }
    const st = await stat(path).catch(() => undefined);
    if (st?.isDirectory()) throw new VdiskError('E_TARGET_EXISTS', `${path} is a directory`, { path });
    if (st && !opts.overwrite) throw new VdiskError('E_TARGET_EXISTS', undefined, { path });
    await removeStaleTemporaries(path);
    const tmp = tempNameFor(path);
    try {
      const h = await open(tmp, 'w+', 0o644);
      return new NodeFileTarget(path, tmp, h, 0, true, false, opts.durable ?? true);
    } catch (e) {
      throw targetFsError(e, path, 'create');
    }
  }

  async pwrite(buf: Uint8Array, offset: number): Promise<void> {
    try {
      for (let done = 0; done < buf.length; ) {
        const { bytesWritten } = await this.handle.write(buf, done, buf.length - done, offset + done);
        done += bytesWritten;
      }
    } catch (e) {
      throw targetFsError(e, this.name, `write at ${offset} to`);
    }
    this.wrote(offset, buf.length);
  }

  private wrote(offset: number, length: number): void {
    if (offset + length > this.cur) this.cur = offset + length;
    this.behind.wrote(length);
  }

  async zero(offset: number, length: number): Promise<void> {
    // Past the end a truncate reads as zeros; inside, fallocate ZERO_RANGE (the blocks stay allocated,
    // as written zeros would: holes are discard's business), else zeros written.
    const inside = Math.max(0, Math.min(offset + length, this.cur) - offset);
    if (inside > 0 && (await zeroRangeFd(this.handle.fd, offset, inside))) {
      if (offset + length > this.cur) await this.truncate(offset + length);
      return;
    }
    for (let d = 0; d < inside; d += ZEROS.length)
      await this.pwrite(ZEROS.subarray(0, Math.min(ZEROS.length, inside - d)), offset + d);
    if (offset + length > this.cur) await this.truncate(offset + length);
  }

  /** 'share' or 'copy' for a local file on this target's file system; undefined for anything else. */
  offloadFrom(src: ImageSource): OffloadKind | undefined {
    return this.offload.kindFor(src);
  }

  /** Copies in the kernel where it can (node-file-offload.ts); what it declines is read and written here. */
  async copyFrom(
    src: ImageSource,
    srcOffset: number,
    offset: number,
    length: number,
    signal?: AbortSignal,
  ): Promise<void> {
    let done: number;
    try {
      done = await this.offload.copy(src, srcOffset, offset, length, signal);
    } catch (e) {
      throw (e as { code?: string }).code === 'E_CANCELLED' ? e : targetFsError(e, this.name, `copy at ${offset} to`);
    }
    if (done < length) await this.copyThrough(src, srcOffset + done, offset + done, length - done);
    else this.wrote(offset, length);
  }

  /** The read + write path for what the kernel would not copy (zeros past a short source). */
  private async copyThrough(src: ImageSource, from: number, to: number, len: number): Promise<void> {
    const buf = new Uint8Array(Math.min(len, 4 << 20));
    for (let d = 0; d < len; ) {
      const n = Math.min(buf.length, len - d);
      const got = await src.pread(buf.subarray(0, n), from + d);
      buf.fill(0, got, n);
      await this.pwrite(buf.subarray(0, n), to + d);
      d += n;
    }
  }

  /** Punches every range (clamped to the file) in one go; returns the bytes known punched, of those asked. */
  async discard(ranges: [number, number][]): Promise<{ asked: number; punched: number }> {
    const inside = ranges
      .map(([o, n]): [number, number] => [o, Math.max(0, Math.min(o + n, this.cur) - o)])
      .filter(([, n]) => n > 0);
    const asked = coalesce(inside).reduce((a, [, n]) => a + n, 0);
    return { asked, punched: asked ? await punchHolesFd(this.handle.fd, inside) : 0 };
  }

  async truncate(size: number): Promise<void> {
    try {
      await this.handle.truncate(size);
    } catch (e) {
      throw targetFsError(e, this.name, 'resize');
    }
    this.cur = size;
  }

  async flush(): Promise<void> {
    if (!this.durable) return;
    try {
      await this.behind.settle();
      await this.handle.datasync();
    } catch (e) {
      throw targetFsError(e, this.name, 'flush');
    }
    this.behind.synced();
  }

  async pread(buf: Uint8Array, offset: number): Promise<number> {
    const want = Math.max(0, Math.min(buf.length, this.cur - offset));
    let done = 0;
    while (done < want) {
      const { bytesRead } = await this.handle.read(buf, done, want - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  }

  async allocatedSize(): Promise<number> {
    return (await this.handle.stat()).blocks * 512;
  }

  async commit(): Promise<void> {
    if (this.ended) return;
    await this.flush();
    try {
      await this.beforeRename?.(this.handle);
    } catch (e) {
      await this.abort();
      throw e;
    }
    await this.handle.close();
    this.ended = true;
    if (this.reuse) return;
    try {
      await renameIntoPlace(this.writePath, this.name, this.durable);
    } catch (e) {
      await rm(this.writePath, { force: true });
      throw targetFsError(e, this.name, 'rename into place');
    }
  }

  async abort(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.behind.drain();
    await this.handle.close().catch(() => {});
    if (!this.reuse) await rm(this.writePath, { force: true });
  }
}
