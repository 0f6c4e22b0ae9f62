// The private file system as the console shows it: list, import a picked file, remove.
import { opfsRoot, locate, opfsError } from '../src/io/opfs-path.js';
import { OpfsTarget } from '../src/io/opfs-target.js';
import type { ProgressFn } from './types.js';

export interface OpfsEntry {
  path: string;
  size: number;
}

const CHUNK = 8 << 20;

export async function listOpfs(): Promise<OpfsEntry[]> {
  const out: OpfsEntry[] = [];
  const walk = async (dir: FileSystemDirectoryHandle, prefix: string) => {
    for await (const [name, h] of (
      dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }
    ).entries()) {
      if (name.startsWith('.')) continue; // partial outputs of running converts
      if (h.kind === 'directory') await walk(h as FileSystemDirectoryHandle, `${prefix}${name}/`);
      else out.push({ path: `${prefix}${name}`, size: await sizeOf(h as FileSystemFileHandle) });
    }
  };
  await walk(await opfsRoot(), '');
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

async function sizeOf(h: FileSystemFileHandle): Promise<number> {
  // A file open through a sync access handle cannot be read as a File; its size is not needed then.
  return (await h.getFile().catch(() => undefined))?.size ?? -1;
}

export async function removeOpfs(path: string): Promise<void> {
  const at = await locate(path);
  await at.dir.removeEntry(at.name).catch((e) => {
    throw opfsError(e, at.path);
  });
}

/** Copies a picked or dropped file into OPFS, so it can be reopened after a reload. */
export async function importToOpfs(
  file: Blob,
  path: string,
  signal: AbortSignal,
  onProgress?: ProgressFn,
): Promise<OpfsEntry> {
  const t = await OpfsTarget.create(path);
  try {
    for (let at = 0; at < file.size; at += CHUNK) {
      signal.throwIfAborted();
      const bytes = new Uint8Array(await file.slice(at, at + CHUNK).arrayBuffer());
      await t.pwrite(bytes, at);
      onProgress?.({ phase: 'import', done: at + bytes.length, total: file.size });
    }
    await t.truncate(file.size);
    await t.commit();
    return { path: t.name, size: file.size };
  } catch (e) {
    await t.abort();
    throw e;
  }
}
