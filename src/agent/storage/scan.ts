// Reads what the storage roots hold: every regular file under a root that the engine can open as an
// image, with its format, virtual size, allocation and recorded backing name. Only the file itself is
// opened (noBacking), through safe-open: backing layers are never opened, let alone probed, during a
// scan. A format already known (recorded, or stated by the operator or a VM) is used as is; only
// unknown files are probed. A known file whose first bytes now say otherwise keeps its format: `magic`
// reports it. Given FileFacts, a file whose device, inode, size, mtime and ctime are those of the last
// read is not opened again (inventory-cache/file-facts.ts); a file that cannot be read is reported
// through `failed` with its code, and the scan goes on.
import { fstatSync, lstatSync, readSync, readdirSync, type Stats } from 'node:fs';
import { openChain } from '../../engine/read/chain.js';
import { NodeFileSource } from '../../io/node-file-source.js';
import type { EngineAccess } from './engine-access.js';
import type { Logger } from '../log.js';
import type { Root } from './roots.js';
import { factKey, failureOf, type FileFact, type FileFacts, type FileKey } from '../inventory-cache/file-facts.js';
import type { CheckedFiles } from './safe-open.js';

export interface ScannedImage {
  path: string;
  root: Root;
  format: 'raw' | 'qcow2';
  virtualSize: number;
  allocated: number;
  backingName: string | null;
  backingFormat: string | null;
  uid: number;
  mode: string;
  /** What the first bytes say now, when the file was read with a known format. */
  magic?: 'raw' | 'qcow2';
}

const MAX_DEPTH = 8;

export interface ScanOptions {
  /** Facts kept from earlier scans: unchanged files are not opened again; updated with this scan. */
  facts?: FileFacts;
  /** Each file that is not a readable image, with its error code (it is also logged once per change). */
  failed?: (path: string, code: string) => void;
}

export async function scanRoots(
  roots: Root[],
  engine: EngineAccess,
  knownFormat: (path: string) => 'raw' | 'qcow2' | undefined,
  log: Logger,
  skip: string[],
  files: CheckedFiles,
  opts: ScanOptions = {},
): Promise<ScannedImage[]> {
  const entries: { path: string; root: Root; key: FileKey; format: 'raw' | 'qcow2' | undefined; fact?: FileFact }[] =
    [];
  const seen = new Set<string>();
  for (const root of roots) {
    for (const { path, st } of walk(root.dir, 0, skip)) {
      seen.add(path);
      const format = knownFormat(path);
      const key = factKey(st);
      entries.push({ path, root, key, format, fact: opts.facts?.get(path, key, format) });
    }
  }
  // Files not read before (or changed since) are opened a few at a time, so opening the next ones
  // overlaps the engine reading this one (the engine itself takes one file at a time).
  await inWindow(
    entries.filter((e) => !e.fact),
    READ_AHEAD,
    async (e) => {
      e.fact = await readImage(files, e.path, e.root, engine, e.format).then(
        (image) => ({ key: e.key, readAs: e.format, image }),
        (err: unknown) => {
          const failure = failureOf(err);
          log('scan-skip', { path: e.path, ...failure });
          return { key: e.key, readAs: e.format, failure };
        },
      );
      opts.facts?.set(e.path, e.fact);
    },
  );
  opts.facts?.retain(seen);
  const out: ScannedImage[] = [];
  for (const { path, root, fact } of entries) {
    if (fact!.image) out.push(fact!.image.root === root ? fact!.image : { ...fact!.image, root });
    else opts.failed?.(path, fact!.failure!.code);
  }
  return out;
}

const READ_AHEAD = 16;

/** Runs `fn` on every item, at most `n` at once. */
async function inWindow<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/** Regular files only: a symlink inside a root is not followed (it could lead anywhere). */
function* walk(dir: string, depth: number, skip: string[]): Generator<{ path: string; st: Stats }> {
  if (depth > MAX_DEPTH || skip.includes(dir)) return;
  // A directory removed or made unreadable while the scan runs is skipped; a root that cannot be read fails.
  const names = depth === 0 ? readdirSync(dir) : tryReaddir(dir);
  for (const name of names.sort()) {
    const path = dir.endsWith('/') ? dir + name : `${dir}/${name}`; // join() without its normalizing: both parts are clean
    if (skip.includes(path) || name.endsWith('.tmp')) continue;
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (st?.isDirectory()) yield* walk(path, depth + 1, skip);
    else if (st?.isFile()) yield { path, st };
  }
}

function tryReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

async function readImage(
  files: CheckedFiles,
  path: string,
  root: Root,
  engine: EngineAccess,
  format: 'raw' | 'qcow2' | undefined,
): Promise<ScannedImage> {
  // Opened before the engine's turn comes (the descriptor is checked there), read in the engine's turn.
  const opened = files.open(path, 'read');
  opened.catch(() => undefined); // awaited below; this only keeps an early failure from reading as unhandled
  return engine.use(async (e) => {
    const { handle } = await opened;
    // Its size and blocks as they are in the engine's turn (a job's engine step may have written it since the open).
    const st = fstatSync(handle.fd);
    const source = NodeFileSource.adopt(path, handle, st.size);
    const chain = await openChain(e, source, { ...(format ? { format } : {}), noBacking: true });
    try {
      const f = chain.top.facts;
      return {
        path,
        root,
        format: f.format,
        virtualSize: f.size,
        allocated: st.blocks * 512,
        backingName: f.backingName ?? null,
        backingFormat: f.backingFormat ?? null,
        uid: st.uid,
        mode: (st.mode & 0o7777).toString(8).padStart(4, '0'),
        ...(format ? { magic: magicOf(handle.fd) } : {}),
      };
    } finally {
      await chain.close();
    }
  });
}

/** qcow2 if the file starts with the qcow2 magic, else raw (the engine's probe, reduced to what matters here). */
function magicOf(fd: number): 'raw' | 'qcow2' {
  const head = Buffer.alloc(4);
  return readSync(fd, head, 0, 4, 0) === 4 && head.toString('latin1') === 'QFI\xfb' ? 'qcow2' : 'raw';
}
