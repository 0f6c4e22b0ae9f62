// Wipe then delete (oVirt's wipe-after-delete, seed 000): overwrite every allocated run of the file
// with zeros, flush, then unlink. Holes are already zeros; the kernel's own map (SEEK_DATA) says
// where data is, so a sparse file is not inflated by the wipe.
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { NodeFileSource } from '../io/node-file-source.js';

const ZEROS = Buffer.alloc(1 << 20);

export async function wipeFile(path: string): Promise<void> {
  const src = await NodeFileSource.open(path);
  let runs;
  try {
    runs = await src.extents(0, src.size);
  } finally {
    await src.close();
  }
  const fd = openSync(path, 'r+');
  try {
    for (const r of runs.filter((x) => x.data)) {
      for (let pos = r.start; pos < r.start + r.length; pos += ZEROS.length) {
        writeSync(fd, ZEROS, 0, Math.min(ZEROS.length, r.start + r.length - pos), pos);
      }
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Removes a file; one that is already gone is fine (deletes are re-run after a crash). */
export function removeFile(path: string): void {
  rmSync(path, { force: true });
}
