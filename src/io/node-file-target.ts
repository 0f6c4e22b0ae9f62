// A local file as a write target. A new file is written under a temporary name beside the
// destination (`.NAME.vdisk-PID.part`), flushed with fdatasync, renamed into place and its directory
// fsynced, so a file at the destination name is always complete. Temporaries of earlier runs whose
// process is gone are removed first. A reused file (-n) is written in place and kept on failure.
import { open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { fstatSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ImageTarget } from './target.js';
import { targetFsError } from './target-error.js';
import { coalesce, punchHolesFd } from './punch-hole.js';
import { FALLOC, libc } from './native/libc.js';
import { cloneRange, copyRange, offloadKind, type OffloadKind } from './native/copy-range.js';
import type { ImageSource } from './source.js';
import { VdiskError } from '../errors/vdisk-error.js';

const ZEROS = new Uint8Array(1 << 20);
/** A durable target starts writing back every this many bytes, so the final fdatasync finds little left. */
const WRITE_BEHIND = 64 << 20;

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

export function tempNameFor(path: string, pid = process.pid): string {
  return join(dirname(path), `.${basename(path)}.vdisk-${pid}.part`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes `.NAME.vdisk-PID.part` files beside `path` left by processes that no longer run. */
export async function removeStaleTemporaries(path: string): Promise<string[]> {
  const prefix = `.${basename(path)}.vdisk-`;
  const removed: string[] = [];
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const n of names) {
    if (!n.startsWith(prefix) || !n.endsWith('.part')) continue;
    const pid = Number(n.slice(prefix.length, -'.part'.length));
    if (!Number.isInteger(pid) || (pid !== process.pid && alive(pid))) continue;
    await rm(join(dirname(path), n), { force: true });
    removed.push(n);
  }
  return removed;
}

export class NodeFileTarget implements ImageTarget {
  private ended = false;
  private unsynced = 0;
  private behind: Promise<void> | undefined;
  private behindError: unknown;
  /** The offload this file system gives ('share' until a first clone says otherwise); null: none. */
  private offload: OffloadKind | null | undefined;
  private cloneProbed = false;
  private constructor(
    readonly name: string,
    private readonly writePath: string,
    private readonly handle: FileHandle,
    private cur: number,
    readonly startsZero: boolean,
    private readonly reuse: boolean,
    private readonly durable = true,
    private readonly beforeRename?: (handle: FileHandle) => Promise<void>,
  ) {}

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
    this.unsynced += length;
    if (this.durable && this.unsynced >= WRITE_BEHIND && !this.behind) this.writeBehind();
  }

  /** fdatasync in the background while the copy goes on: the disk works during the copy, not after it. */
  private writeBehind(): void {
    this.unsynced = 0;
    this.behind = this.handle
      .datasync()
      .catch((e) => {
        this.behindError ??= e;
      })
      .finally(() => {
        this.behind = undefined;
      });
  }

  async zero(offset: number, length: number): Promise<void> {
    // Past the end a truncate reads as zeros; inside, fallocate ZERO_RANGE (the blocks stay allocated,
    // as written zeros would: holes are discard's business), else zeros written.
    const inside = Math.max(0, Math.min(offset + length, this.cur) - offset);
    if (inside > 0 && (await this.fallocZero(offset, inside))) {
      if (offset + length > this.cur) await this.truncate(offset + length);
      return;
    }
    for (let d = 0; d < inside; d += ZEROS.length)
      await this.pwrite(ZEROS.subarray(0, Math.min(ZEROS.length, inside - d)), offset + d);
    if (offset + length > this.cur) await this.truncate(offset + length);
  }

  /** 'share' or 'copy' for a local file on this target's file system; undefined for anything else. */
  offloadFrom(src: ImageSource): OffloadKind | undefined {
    if (src.fd === undefined) return undefined;
    if (this.offload === undefined) this.offload = offloadKind(this.handle.fd) ?? null;
    if (!this.offload) return undefined;
    try {
      return fstatSync(src.fd).dev === fstatSync(this.handle.fd).dev ? this.offload : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * copy_file_range on the two descriptors (native/copy-range.ts); what the kernel declines is read
   * and written here. The first copy onto a sharing file system is an explicit clone (FICLONERANGE):
   * where that is refused (XFS made without reflink) later copies are plain in-kernel ones ('copy').
   */
  async copyFrom(
    src: ImageSource,
    srcOffset: number,
    offset: number,
    length: number,
    signal?: AbortSignal,
  ): Promise<void> {
    let done = 0;
    if (src.fd !== undefined) {
      if (
        this.offload === 'share' &&
        !this.cloneProbed &&
        srcOffset % 4096 === 0 &&
        offset % 4096 === 0 &&
        length % 4096 === 0
      ) {
        this.cloneProbed = true;
        if (cloneRange(src.fd, srcOffset, this.handle.fd, offset, length)) done = length;
        else this.offload = 'copy';
      }
      try {
        done += await copyRange(src.fd, srcOffset + done, this.handle.fd, offset + done, length - done, signal);
      } catch (e) {
        throw (e as { code?: string }).code === 'E_CANCELLED' ? e : targetFsError(e, this.name, `copy at ${offset} to`);
      }
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

  /** fallocate ZERO_RANGE on the descriptor (native/libc.ts); false where the file system cannot. */
  private async fallocZero(offset: number, length: number): Promise<boolean> {
    const sys = libc();
    return (
      sys !== null && (await sys.fallocate(this.handle.fd, FALLOC.ZERO_RANGE | FALLOC.KEEP_SIZE, offset, length)) === 0
    );
  }

  /** fallocate PUNCH_HOLE on the descriptor (best effort, see punch-hole.ts). */
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
    await this.behind;
    try {
      if (this.behindError) throw this.behindError;
      await this.handle.datasync();
    } catch (e) {
      throw targetFsError(e, this.name, 'flush');
    }
    this.unsynced = 0;
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
      await rename(this.writePath, this.name);
      if (!this.durable) return;
      const dir = await open(dirname(this.name), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch (e) {
      await rm(this.writePath, { force: true });
      throw targetFsError(e, this.name, 'rename into place');
    }
  }

  async abort(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.behind;
    await this.handle.close().catch(() => {});
    if (!this.reuse) await rm(this.writePath, { force: true });
  }
}
