// Reads what the storage roots hold: every regular file under a root that the engine can open as an
// image, with its format, virtual size, allocation and recorded backing name. Only the file itself is
// opened (noBacking), through safe-open: backing layers are never opened, let alone probed, during a
// scan. A format already known (recorded, or stated by the operator or a VM) is used as is; only
// unknown files are probed. A known file whose first bytes now say otherwise keeps its format: `magic`
// reports it.
import { closeSync, constants, lstatSync, openSync, readSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openChain } from '../engine/chain.js';
import { NodeFileSource } from '../io/node-file-source.js';
import type { EngineAccess } from './engine-access.js';
import type { Logger } from './log.js';
import type { Root } from './roots.js';
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

export async function scanRoots(
  roots: Root[], engine: EngineAccess, knownFormat: (path: string) => 'raw' | 'qcow2' | undefined, log: Logger, skip: string[], files: CheckedFiles,
): Promise<ScannedImage[]> {
  const out: ScannedImage[] = [];
  for (const root of roots) {
    for (const path of walk(root.dir, 0, skip)) {
      const image = await readImage(files, path, root, engine, knownFormat(path)).catch((e: unknown) => {
        log('scan-skip', { path, code: (e as { code?: string }).code, message: (e as Error).message });
        return undefined;
      });
      if (image) out.push(image);
    }
  }
  return out;
}

/** Regular files only: a symlink inside a root is not followed (it could lead anywhere). */
function* walk(dir: string, depth: number, skip: string[]): Generator<string> {
  if (depth > MAX_DEPTH || skip.includes(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (skip.includes(path) || name.endsWith('.tmp')) continue;
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (st?.isDirectory()) yield* walk(path, depth + 1, skip);
    else if (st?.isFile()) yield path;
  }
}

async function readImage(files: CheckedFiles, path: string, root: Root, engine: EngineAccess, format: 'raw' | 'qcow2' | undefined): Promise<ScannedImage> {
  return engine.use(async (e) => {
    const { handle, stat: st } = await files.open(path, 'read');
    const source = NodeFileSource.adopt(path, handle, st.size);
    const chain = await openChain(e, source, { ...(format ? { format } : {}), noBacking: true });
    try {
      const f = chain.top.facts;
      return {
        path, root, format: f.format, virtualSize: f.size, allocated: st.blocks * 512,
        backingName: f.backingName ?? null, backingFormat: f.backingFormat ?? null,
        uid: st.uid, mode: (st.mode & 0o7777).toString(8).padStart(4, '0'),
        ...(format ? { magic: magicOf(path) } : {}),
      };
    } finally {
      await chain.close();
    }
  });
}

/** qcow2 if the file starts with the qcow2 magic, else raw (the engine's probe, reduced to what matters here). */
function magicOf(path: string): 'raw' | 'qcow2' {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.toString('latin1') === 'QFI\xfb' ? 'qcow2' : 'raw';
  } finally {
    closeSync(fd);
  }
}
