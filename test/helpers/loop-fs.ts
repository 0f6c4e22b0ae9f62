// A file system of a given kind on a loop-mounted file, for tests of what only some file systems do
// (XFS made with reflink=1 shares extents). Needs root (CI runs as root) and the mkfs tool; a missing
// tool fails with the apt-get line that installs it. Unmounted and removed by close().
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from './tools.js';

export interface LoopFs {
  dir: string;
  close(): void;
}

const MKFS = {
  xfs: (img: string) => execFileSync(requireTool('mkfs.xfs'), ['-q', '-f', '-m', 'reflink=1', img]),
  btrfs: (img: string) => execFileSync(requireTool('mkfs.btrfs'), ['-q', '-f', img]),
};

export function mountLoopFs(kind: keyof typeof MKFS, sizeMiB: number): LoopFs {
  if (process.getuid?.() !== 0) throw new Error(`mounting a ${kind} loop file needs root (CI runs as root)`);
  const base = mkdtempSync(join(tmpdir(), `vdisk-${kind}-`));
  const img = join(base, 'fs.img');
  const dir = join(base, 'mnt');
  mkdirSync(dir);
  execFileSync('truncate', ['-s', `${sizeMiB}M`, img]);
  MKFS[kind](img);
  execFileSync('mount', ['-o', 'loop', img, dir]);
  return {
    dir,
    close() {
      try {
        execFileSync('umount', [dir]);
      } finally {
        rmSync(base, { recursive: true, force: true });
      }
    },
  };
}

/** Bytes of `file` in extents FIEMAP flags shared (filefrag -v), in 4 KiB blocks. */
export function sharedBytes(file: string): number {
  const out = execFileSync(requireTool('filefrag'), ['-v', '-b4096', file], { encoding: 'utf8' });
  let blocks = 0;
  for (const line of out.split('\n')) {
    const m = /^\s*\d+:\s+\d+\.\.\s*\d+:\s+\d+\.\.\s*\d+:\s+(\d+):.*\bshared\b/.exec(line);
    if (m) blocks += Number(m[1]);
  }
  return blocks * 4096;
}
