// The few Linux system calls Node lacks, called through koffi (prebuilt in its npm package) on
// libc.so.6: copy_file_range, fallocate, FICLONERANGE, lseek(SEEK_DATA/SEEK_HOLE), flock and
// sync_file_range. Loaded lazily on first use, Node only: browser and workerd bundles never reach
// this file (scripts/build.mjs stubs every `node-*` and `native/` module). Where koffi or libc cannot be loaded (not Linux) every
// caller gets null and keeps its portable path. Results are a count (>= 0) or an errno name.
import { createRequire } from 'node:module';

/** A byte count or offset, or the errno name of a failure ('EXDEV', 'ENXIO', ...). */
export type SysResult = number | string;

export interface Libc {
  /** copy_file_range(2) on the libuv thread pool: bytes copied (0 at the source's end). */
  copyFileRange(inFd: number, inOff: number, outFd: number, outOff: number, len: number): Promise<SysResult>;
  /** fallocate(2) on the thread pool: 0 on success. */
  fallocate(fd: number, mode: number, offset: number, length: number): Promise<SysResult>;
  /** ioctl(FICLONERANGE): shares [srcOff, srcOff+len) of srcFd at dstOff of dstFd; 0 on success. */
  cloneRange(srcFd: number, srcOff: number, len: number, dstFd: number, dstOff: number): SysResult;
  lseek(fd: number, offset: number, whence: number): SysResult;
  /** fstatfs(2): the file system's magic (f_type) and block size, or an errno name. */
  fsType(fd: number): { type: number; blockSize: number } | string;
  flock(fd: number, op: number): SysResult;
  /** sync_file_range(2) on the thread pool: starts (WRITE) or waits for writeback of a range; 0 on success. */
  syncFileRange(fd: number, offset: number, length: number, flags: number): Promise<SysResult>;
}

export const FALLOC = { KEEP_SIZE: 0x01, PUNCH_HOLE: 0x02, ZERO_RANGE: 0x10 } as const;
export const LOCK = { EX: 2, NB: 4, UN: 8 } as const;
export const SEEK = { END: 2, DATA: 3, HOLE: 4 } as const;
export const SYNC_RANGE = { WAIT_BEFORE: 1, WRITE: 2, WAIT_AFTER: 4 } as const;
/** _IOW(0x94, 13, struct file_clone_range): linux/fs.h. */
const FICLONERANGE = 0x4020940d;

type Fn = ((...a: unknown[]) => number) & { async: (...a: unknown[]) => void };
interface Koffi {
  load(name: string): { func(sig: string): Fn };
  struct(name: string, def: Record<string, string>): unknown;
  errno(): number;
  os: { errno: Record<string, number> };
}

let loaded: Libc | null | undefined;

/** The system calls, or null where they cannot be had (then callers take their portable path). */
export function libc(): Libc | null {
  if (loaded === undefined) {
    try {
      loaded = bind(createRequire(import.meta.url)('koffi') as Koffi);
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

function bind(k: Koffi): Libc {
  const lib = k.load('libc.so.6');
  const names = new Map(Object.entries(k.os.errno).map(([n, v]) => [v, n]));
  const name = (e: number) => names.get(e) ?? `ERRNO_${e}`;
  const cfr = lib.func('int64_t copy_file_range(int, _Inout_ int64_t *, int, _Inout_ int64_t *, size_t, unsigned int)');
  const falloc = lib.func('int fallocate(int, int, int64_t, int64_t)');
  const lseek = lib.func('int64_t lseek(int, int64_t, int)');
  const flock = lib.func('int flock(int, int)');
  const fstatfs = lib.func('int fstatfs(int, _Out_ uint8_t *)');
  const sfr = lib.func('int sync_file_range(int, int64_t, int64_t, unsigned int)');
  k.struct('file_clone_range', {
    src_fd: 'int64_t',
    src_offset: 'uint64_t',
    src_length: 'uint64_t',
    dest_offset: 'uint64_t',
  });
  // ioctl is variadic (variadic calls cannot be asynchronous): a clone is metadata only, so a sync call.
  const ioctl = lib.func('int ioctl(int, unsigned long, _In_ file_clone_range *)');
  const sync = (r: number): SysResult => (r < 0 ? name(k.errno()) : r);
  // Asynchronous calls run on libuv's pool; koffi restores the worker's errno before the callback.
  const pooled = (f: Fn, ...a: unknown[]) =>
    new Promise<SysResult>((resolve, reject) => {
      f.async(...a, (err: unknown, r: number) => (err ? reject(err) : resolve(r < 0 ? name(k.errno()) : r)));
    });
  return {
    copyFileRange: (i, io, o, oo, n) => pooled(cfr, i, [io], o, [oo], n, 0),
    fallocate: (fd, mode, off, len) => pooled(falloc, fd, mode, off, len),
    cloneRange: (s, so, n, d, dof) =>
      sync(ioctl(d, FICLONERANGE, { src_fd: s, src_offset: so, src_length: n, dest_offset: dof })),
    lseek: (fd, off, wh) => sync(lseek(fd, off, wh)),
    flock: (fd, op) => sync(flock(fd, op)),
    syncFileRange: (fd, off, len, flags) => pooled(sfr, fd, off, len, flags),
    fsType: (fd) => {
      const buf = new BigInt64Array(16); // struct statfs on 64-bit Linux: 15 longs; f_type, f_bsize first
      const r = sync(fstatfs(fd, buf));
      return typeof r === 'string' ? r : { type: Number(buf[0]! & 0xffffffffn), blockSize: Number(buf[1]!) };
    },
  };
}
