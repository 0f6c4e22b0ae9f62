// After the guest has stopped and QEMU has quit: every block the guest wrote must carry, in the
// image chain the VM ended on, the last generation the guest saw acknowledged (or the one write
// that was in flight when the writer stopped). A lost write is found even when guest and host
// would read the same wrong image. The host's md5 of the guest view is compared by the caller.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { requireTool } from '../tools.js';

const BS = 4096;

/** The guest view of `image` as raw bytes in `out` (qemu-img is the trusted reader here). */
export function flatten(image: string, out: string, format = 'qcow2'): void {
  execFileSync(requireTool('qemu-img'), ['convert', '-f', format, '-O', 'raw', image, out]);
}

export function md5(path: string): string {
  return createHash('md5').update(readFileSync(path)).digest('hex');
}

/** Problems found in a flattened disk (`raw`) for `disk`'s acknowledged writes; empty when none. */
export function stampProblems(raw: string, disk: string, acked: Map<number, number>, lastGen: number): string[] {
  const fd = openSync(raw, 'r');
  const buf = Buffer.alloc(BS);
  const out: string[] = [];
  try {
    for (const [blk, gen] of acked) {
      readSync(fd, buf, 0, BS, blk * BS);
      const m = /^VDISKBLK (\S+) (\d{8}) (\d{8})\n/.exec(buf.toString('latin1', 0, 40));
      if (!m || m[1] !== disk || Number(m[2]) !== blk)
        out.push(`${disk} block ${blk}: no stamp of this block (acked generation ${gen})`);
      else if (Number(m[3]) < gen || Number(m[3]) > lastGen + 1)
        out.push(`${disk} block ${blk}: generation ${Number(m[3])}, acked ${gen}`);
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

export function removeQuietly(path: string): void {
  rmSync(path, { force: true });
}
