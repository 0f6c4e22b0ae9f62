// Paths in the origin private file system (OPFS): slash-separated names under the origin's root
// directory. Shared by the OPFS source and target; works wherever navigator.storage exists.
import { VdiskError } from '../errors/vdisk-error.js';

export interface OpfsLocation {
  dir: FileSystemDirectoryHandle;
  name: string;
  /** The normalised path, for messages. */
  path: string;
}

export function splitOpfsPath(path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.some((p) => p === '..')) {
    throw new VdiskError('E_BAD_ARGUMENT', `${path} is not a file path in the private file system`, {
      path,
      hint: 'use names like images/disk.qcow2',
    });
  }
  return parts;
}

export async function opfsRoot(): Promise<FileSystemDirectoryHandle> {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  if (!storage?.getDirectory) {
    throw new VdiskError('E_OPFS_UNAVAILABLE', 'this browser has no origin private file system', {
      hint: 'use a current Chromium, Firefox or Safari over https or http://127.0.0.1',
    });
  }
  return storage.getDirectory();
}

/** The directory holding `path` and the file's name; `create` makes missing directories. */
export async function locate(path: string, create = false): Promise<OpfsLocation> {
  const parts = splitOpfsPath(path);
  let dir = await opfsRoot();
  for (const p of parts.slice(0, -1))
    dir = await dir.getDirectoryHandle(p, { create }).catch((e) => {
      throw opfsError(e, path);
    });
  return { dir, name: parts[parts.length - 1]!, path: parts.join('/') };
}

/** DOMExceptions of the file system API as vdisk errors with a code a person can act on. */
export function opfsError(e: unknown, path: string): VdiskError {
  const name = (e as DOMException | undefined)?.name;
  if (name === 'NotFoundError')
    return new VdiskError('E_NOT_FOUND', `${path} does not exist in the private file system`, { path });
  if (name === 'NoModificationAllowedError' || name === 'InvalidStateError') {
    return new VdiskError('E_OPFS_BUSY', `${path} is open elsewhere (another tab or operation holds it)`, {
      path,
      hint: 'wait for the other operation to finish or close the other tab',
    });
  }
  if (name === 'QuotaExceededError')
    return new VdiskError('E_NO_SPACE', `the browser's storage quota is full while writing ${path}`, {
      path,
      hint: 'delete images from the private file system or free disk space',
    });
  return new VdiskError('E_IO', `${path}: ${(e as Error)?.message ?? String(e)}`, { path });
}
