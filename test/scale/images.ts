// Each agent's pool of generated images and what each must read as: standalone qcow2, two-layer
// qcow2 chains and raw images, every one with its own byte pattern, and beside the pools (never
// inside a root) a flattened reference of each, made at generation time. A file's origin is in its
// name (clones are ORIGIN-cN, moves keep the name, snapshots ORIGIN.sN), so after the run every file
// in a root is compared with the reference of its origin.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const MiB = 1 << 20;

const run = (tool: string, args: string[]) => execFileSync(tool, args, { stdio: 'pipe', encoding: 'utf8' });

export interface Pool {
  /** Root names → dirs. */ roots: Record<string, string>;
  refs: string;
  images: string[];
}

/** `count` images in root `a` (root `b` starts empty), their references in `refs`, and the VM's chain vm-base ← vm-top. */
export function makePool(dir: string, count: number): Pool {
  const roots = { a: join(dir, 'a'), b: join(dir, 'b') };
  const refs = join(dir, 'refs');
  for (const d of [roots.a, roots.b, refs]) mkdirSync(d, { recursive: true });
  const images: string[] = [];
  const qcow2 = (name: string, backing?: string) => {
    run('qemu-img', [
      'create',
      '-q',
      '-f',
      'qcow2',
      ...(backing ? ['-b', backing, '-F', 'qcow2'] : []),
      join(roots.a, name),
      '16M',
    ]);
  };
  const write = (name: string, fmt: string, pattern: number, atMiB: number) =>
    run('qemu-io', ['-f', fmt, '-c', `write -P ${pattern} ${atMiB}M 1M`, join(roots.a, name)]);
  for (let i = 0; i < count; i++) {
    const p = 1 + ((i * 7) % 250);
    if (i % 4 === 1) {
      qcow2(`i${i}-base.qcow2`);
      write(`i${i}-base.qcow2`, 'qcow2', p, i % 8);
      qcow2(`i${i}-top.qcow2`, `i${i}-base.qcow2`);
      write(`i${i}-top.qcow2`, 'qcow2', p + 1, 8 + (i % 4));
      images.push(`i${i}-base.qcow2`, `i${i}-top.qcow2`);
    } else if (i % 4 === 3) {
      run('qemu-img', ['create', '-q', '-f', 'raw', join(roots.a, `i${i}.img`), '16M']);
      write(`i${i}.img`, 'raw', p, i % 12);
      images.push(`i${i}.img`);
    } else {
      qcow2(`i${i}.qcow2`);
      write(`i${i}.qcow2`, 'qcow2', p, i % 12);
      images.push(`i${i}.qcow2`);
    }
  }
  qcow2('vm-base.qcow2');
  write('vm-base.qcow2', 'qcow2', 0xa0, 0);
  qcow2('vm-top.qcow2', 'vm-base.qcow2');
  write('vm-top.qcow2', 'qcow2', 0xa1, 1);
  images.push('vm-base.qcow2', 'vm-top.qcow2');
  for (const name of images)
    run('qemu-img', ['convert', '-O', 'qcow2', join(roots.a, name), join(refs, `${origin(name)}.qcow2`)]);
  return { roots, refs, images };
}

/**
 * The generated image a file's data comes from: `i3-top-c5.qcow2` → i3-top, `i7.s2.qcow2` → i7.
 * Every VM file but the base reads as the VM's disk (the paused guest writes nothing): copies,
 * pivoted-away layers and snapshot overlays alike.
 */
export function origin(file: string): string {
  if (/^vm-base\.qcow2$/.test(file)) return 'vm-base';
  if (file.startsWith('vm')) return 'vm-top';
  const m = /^i\d+(?:-base|-top)?/.exec(file);
  if (!m) throw new Error(`${file}: no origin`);
  return m[0];
}

export const formatOf = (file: string) => (file.endsWith('.img') ? 'raw' : 'qcow2');

/** `qemu-img check` clean (raw has nothing to check). */
export function checkClean(path: string): string | undefined {
  if (formatOf(path) === 'raw') return undefined;
  try {
    run('qemu-img', ['check', '-q', '-f', 'qcow2', path]);
    return undefined;
  } catch (e) {
    return String((e as { stdout?: string }).stdout || (e as Error).message)
      .trim()
      .slice(0, 300);
  }
}

/** `qemu-img compare` of a file's guest view with its origin's reference: undefined when identical. */
export function compareWithRef(path: string, ref: string): string | undefined {
  try {
    run('qemu-img', ['compare', '-f', formatOf(path), '-F', 'qcow2', path, ref]);
    return undefined;
  } catch (e) {
    return String((e as { stdout?: string }).stdout || (e as Error).message)
      .trim()
      .slice(0, 300);
  }
}
