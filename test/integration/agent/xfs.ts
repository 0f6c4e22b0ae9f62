// A real XFS with reflink (or a btrfs), loop-mounted from a sparse file for one test file (the machine
// runs the tests as root): mkfs.xfs -m reflink=1 / mkfs.btrfs, mount -o loop, and what the tests read of it — free bytes,
// a file's extents as FIEMAP reports them (filefrag -v: logical and physical byte offsets, shared
// flag), and bytes read straight from the image file at a physical offset.
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statfsSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '../../helpers/tools.js';

export interface Xfs {
  dir: string;
  image: string;
  free(): number;
  unmount(): void;
}
export interface Extent {
  logical: number;
  physical: number;
  length: number;
  shared: boolean;
}

const MKFS = { xfs: ['mkfs.xfs', '-q', '-m', 'reflink=1'], btrfs: ['mkfs.btrfs', '-q'] } as const;

export function mountXfs(kind: keyof typeof MKFS = 'xfs'): Xfs {
  const base = mkdtempSync(join(tmpdir(), 'vxfs-'));
  const image = join(base, 'xfs.img');
  const dir = join(base, 'mnt');
  mkdirSync(dir);
  writeFileSync(image, '');
  truncateSync(image, 320 << 20); // mkfs.xfs wants at least 300 MiB
  const [mkfs, ...args] = MKFS[kind];
  execFileSync(requireTool(mkfs), [...args, image]);
  execFileSync(requireTool('mount'), ['-o', 'loop', image, dir]);
  return {
    dir,
    image,
    free: () => {
      const s = statfsSync(dir);
      return s.bfree * s.bsize;
    },
    unmount() {
      execFileSync('umount', [dir]);
      rmSync(base, { recursive: true, force: true });
    },
  };
}

export function extentsOf(path: string): Extent[] {
  const out = execFileSync(requireTool('filefrag'), ['-v', path], { encoding: 'utf8' });
  const block = Number(/blocks of (\d+) bytes/.exec(out)![1]);
  return out.split('\n').flatMap((line) => {
    const m = /^\s*\d+:\s+(\d+)\.\.\s*(\d+):\s+(\d+)\.\.\s*\d+:\s+\d+:(.*)$/.exec(line);
    return m
      ? [
          {
            logical: Number(m[1]) * block,
            physical: Number(m[3]) * block,
            length: (Number(m[2]) - Number(m[1]) + 1) * block,
            shared: /\bshared\b/.test(m[4]!),
          },
        ]
      : [];
  });
}

/** Non-zero bytes of the image file (the device under the file system) in [offset, offset + length). */
export function nonZeroOnDevice(image: string, offset: number, length: number): number {
  const fd = openSync(image, 'r');
  try {
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, offset);
    return buf.reduce((n, b) => n + (b ? 1 : 0), 0);
  } finally {
    closeSync(fd);
  }
}

export function sha256(path: string): string {
  return execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0]!;
}
