// Copy offload onto one Node file target: whether a source can be copied by the kernel (a local file
// on the target's file system, with koffi loaded), and the copy itself: copy_file_range on the two
// descriptors (native/copy-range.ts). The first copy onto a sharing file system is an explicit clone
// (FICLONERANGE): where that is refused (XFS made without reflink) later copies are plain in-kernel
// ones ('copy'). Returns how far the kernel got; the target reads and writes the rest.
import { fstatSync } from 'node:fs';
import { cloneRange, copyRange, offloadKind, type OffloadKind } from './native/copy-range.js';
import type { ImageSource } from './source.js';

export class FileOffload {
  /** The offload this file system gives ('share' until a first clone says otherwise); null: none. */
  private kind: OffloadKind | null | undefined;
  private cloneProbed = false;

  constructor(private readonly targetFd: number) {}

  /** 'share' or 'copy' for a local file on the target's file system; undefined for anything else. */
  kindFor(src: ImageSource): OffloadKind | undefined {
    if (src.fd === undefined) return undefined;
    if (this.kind === undefined) this.kind = offloadKind(this.targetFd) ?? null;
    if (!this.kind) return undefined;
    try {
      return fstatSync(src.fd).dev === fstatSync(this.targetFd).dev ? this.kind : undefined;
    } catch {
      return undefined;
    }
  }

  /** Bytes the kernel copied from the start of the range (less than `length` where it declined). */
  async copy(src: ImageSource, srcOffset: number, offset: number, length: number, signal?: AbortSignal) {
    if (src.fd === undefined) return 0;
    let done = 0;
    const aligned = srcOffset % 4096 === 0 && offset % 4096 === 0 && length % 4096 === 0;
    if (this.kind === 'share' && !this.cloneProbed && aligned) {
      this.cloneProbed = true;
      if (cloneRange(src.fd, srcOffset, this.targetFd, offset, length)) done = length;
      else this.kind = 'copy';
    }
    return done + (await copyRange(src.fd, srcOffset + done, this.targetFd, offset + done, length - done, signal));
  }
}
