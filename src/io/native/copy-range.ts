// Copy offload between two descriptors: copy_file_range(2) in calls of at most 64 MiB on libuv's
// pool (the event loop never waits on one), with the abort signal checked between calls. On XFS with
// reflink and on btrfs the kernel shares extents instead of copying; elsewhere it copies inside the
// kernel. Where the kernel will not (another file system: EXDEV; EOPNOTSUPP, EINVAL, ENOSYS; a short
// copy at the source's end) it stops and says how far it got: the caller reads and writes the rest.
import { libc, type Libc } from './libc.js';
import { VdiskError } from '../../errors/vdisk-error.js';

export const OFFLOAD_CALL = 64 << 20;
/** The kernel declines: the rest is copied through user space. */
const DECLINED = new Set(['EXDEV', 'EOPNOTSUPP', 'ENOTSUP', 'EINVAL', 'ENOSYS', 'EBADF', 'ETXTBSY', 'EPERM']);
/** file systems whose copy_file_range shares extents (reflink) when it can. */
const SHARING = new Map([
  [0x58465342, 'xfs'],
  [0x9123683e, 'btrfs'],
  [0xca451a4e, 'bcachefs'],
]);

export type OffloadKind = 'share' | 'copy';

/** 'share' where the target's file system reflinks (XFS, btrfs), 'copy' elsewhere; undefined: no koffi. */
export function offloadKind(targetFd: number): OffloadKind | undefined {
  const sys = libc();
  if (!sys) return undefined;
  const fs = sys.fsType(targetFd);
  return typeof fs !== 'string' && SHARING.has(fs.type) ? 'share' : 'copy';
}

/** Throws an errno error (ENOSPC, EIO, ...) the caller maps to its stable code. */
function fail(code: string, op: string): never {
  throw Object.assign(new Error(`${op}: ${code}`), { code });
}

/**
 * Copies [inOff, inOff+len) of inFd to outOff of outFd in the kernel; returns the bytes done, less
 * than `len` where the kernel declined (the caller copies the rest). Checks `signal` between calls.
 */
export async function copyRange(
  inFd: number,
  inOff: number,
  outFd: number,
  outOff: number,
  len: number,
  signal?: AbortSignal,
  sys: Libc | null = libc(),
): Promise<number> {
  if (!sys) return 0;
  let done = 0;
  while (done < len) {
    if (signal?.aborted) throw new VdiskError('E_CANCELLED', undefined, { reason: String(signal.reason ?? 'aborted') });
    const r = await sys.copyFileRange(inFd, inOff + done, outFd, outOff + done, Math.min(OFFLOAD_CALL, len - done));
    if (typeof r === 'string') {
      if (DECLINED.has(r)) return done;
      fail(r, 'copy_file_range');
    }
    if (r === 0) return done; // the source ended early: a short copy
    done += r;
  }
  return done;
}

/** FICLONERANGE of one block-aligned range: true when the file system shared it. */
export function cloneRange(inFd: number, inOff: number, outFd: number, outOff: number, len: number): boolean {
  return libc()?.cloneRange(inFd, inOff, len, outFd, outOff) === 0;
}
