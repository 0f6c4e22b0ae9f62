// Reading guest data in the simulated world: through a chain of files (as qemu-img would, following
// backing names relative to each image's directory) or through QEMU's node graph.
import { resolveBacking } from '../paths.js';
import { BLOCKS, type SimFile, type SimQemu, type SimWorld } from './world.js';

export type View = string[];

/** The chain of file paths from `path` down, or null when a file is missing or the chain loops. */
export function fileChain(w: SimWorld, path: string): string[] | null {
  const out: string[] = [];
  for (let p: string | null = path; p !== null; ) {
    const f: SimFile | undefined = w.files.get(p);
    if (!f || out.includes(p) || out.length > 64) return null;
    out.push(p);
    p = f.backingName ? resolveBacking(p, f.backingName) : null;
  }
  return out;
}

export function viewOfFiles(w: SimWorld, paths: string[]): View {
  return Array.from({ length: BLOCKS }, (_, i) => {
    for (const p of paths) {
      const b = w.files.get(p)!.blocks[i];
      if (b !== undefined) return b;
    }
    return '0';
  });
}

export function viewOfPath(w: SimWorld, path: string): View | null {
  const chain = fileChain(w, path);
  return chain ? viewOfFiles(w, chain) : null;
}

/** File paths under a format node, following backing links in the graph. Null if any is missing. */
export function nodeChain(w: SimWorld, q: SimQemu, node: string): string[] | null {
  const out: string[] = [];
  for (let n: string | null = node; n !== null; ) {
    const fmt = q.nodes.get(n);
    const path = fmt?.file ? q.nodes.get(fmt.file)?.path : undefined;
    if (!fmt || !path || !w.files.has(path) || out.length > 64) return null;
    out.push(path);
    n = fmt.backing;
  }
  return out;
}

export function viewOfNode(w: SimWorld, q: SimQemu, node: string): View | null {
  const chain = nodeChain(w, q, node);
  return chain ? viewOfFiles(w, chain) : null;
}

export const sameView = (a: View | null, b: View | null): boolean => !!a && !!b && a.join('|') === b.join('|');

/** Blocks of a view as sparse allocated data (zeros stay holes, as a sparse copy leaves them). */
export function sparse(view: View): Record<number, string> {
  const out: Record<number, string> = {};
  view.forEach((b, i) => {
    if (b !== '0') out[i] = b;
  });
  return out;
}

/** True when some running VM has a node open on this file. */
export function fileOpen(w: SimWorld, path: string): boolean {
  for (const q of w.qemu.values()) for (const n of q.nodes.values()) if (n.path === path) return true;
  return false;
}
