// What a scan learned about each file, kept between scans and keyed on the file's identity and
// change marks: device, inode, size, mtime and ctime (sub-microsecond), plus the format it was read
// with. A refresh stats every file and re-opens only those whose key changed: a rewrite in place
// (`qemu-img rebase -u`, `resize`, a guest's growth) moves mtime/ctime or size, a replacement moves
// the inode, so each is read again; an unchanged file costs one lstat. A file is read again, too,
// when the format to read it with changed (an operator or a VM stated another one); a probe that
// found the format now known counts as read with it. Each entry is bounded: the facts the engine
// read (its names are bounded there) and an error's code and a short message.
import type { Stats } from 'node:fs';
import type { ScannedImage } from '../storage/scan.js';

export interface FileFailure {
  code: string;
  message: string;
}
export type ReadAs = 'raw' | 'qcow2' | undefined;
/** The change marks of a file, as numbers (compared field by field: no string is built per file). */
export interface FileKey {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}
export interface FileFact {
  key: FileKey;
  readAs: ReadAs;
  image?: ScannedImage;
  failure?: FileFailure;
}

const MAX_MESSAGE = 200;

export function factKey(st: Stats): FileKey {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
}

const sameKey = (a: FileKey, b: FileKey) =>
  a.ino === b.ino && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.size === b.size && a.dev === b.dev;

export function failureOf(e: unknown): FileFailure {
  const code = (e as { code?: unknown }).code;
  return {
    code: typeof code === 'string' ? code.slice(0, 64) : 'E_IO',
    message: String((e as Error).message ?? e).slice(0, MAX_MESSAGE),
  };
}

export class FileFacts {
  private readonly byPath = new Map<string, FileFact>();
  /** Files read (opened and parsed) so far: tests and the bench check unchanged files are not. */
  reads = 0;
  /** Moves whenever an entry is added, replaced or dropped: the same version means the same facts. */
  version = 0;

  /** The facts read for `path` under exactly this key and format, or undefined (never read, or changed since). */
  get(path: string, key: FileKey, format: ReadAs): FileFact | undefined {
    const f = this.byPath.get(path);
    if (!f || !sameKey(f.key, key)) return undefined;
    if (f.readAs === format) return f;
    if (f.readAs !== undefined || !f.image || f.image.format !== format) return undefined;
    // Probed before as what is now the known format: the same read, and the first bytes said so.
    const known: FileFact = { ...f, readAs: format, image: { ...f.image, magic: format } };
    this.byPath.set(path, known);
    return known;
  }

  set(path: string, fact: FileFact): void {
    this.reads++;
    this.version++;
    this.byPath.set(path, fact);
  }

  /** Forgets every file a scan no longer saw (deleted, moved away, or now a symlink). */
  retain(seen: ReadonlySet<string>): void {
    if (seen.size === this.byPath.size) return; // every entry was seen (entries are only made for seen paths)
    for (const path of this.byPath.keys()) {
      if (!seen.has(path)) {
        this.byPath.delete(path);
        this.version++;
      }
    }
  }

  get size(): number {
    return this.byPath.size;
  }
}
