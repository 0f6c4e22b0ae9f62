// The temporary a new Node file target is written under (`.NAME.vdisk-PID.part`, beside the
// destination, so the rename into place stays on one file system), and the sweep that removes the
// temporaries of earlier runs whose process is gone; and the rename into place (durable: the
// directory fsynced after it).
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export function tempNameFor(path: string, pid = process.pid): string {
  return join(dirname(path), `.${basename(path)}.vdisk-${pid}.part`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes `.NAME.vdisk-PID.part` files beside `path` left by processes that no longer run. */
export async function removeStaleTemporaries(path: string): Promise<string[]> {
  const prefix = `.${basename(path)}.vdisk-`;
  const removed: string[] = [];
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const n of names) {
    if (!n.startsWith(prefix) || !n.endsWith('.part')) continue;
    const pid = Number(n.slice(prefix.length, -'.part'.length));
    if (!Number.isInteger(pid) || (pid !== process.pid && alive(pid))) continue;
    await rm(join(dirname(path), n), { force: true });
    removed.push(n);
  }
  return removed;
}

/** Renames `from` to `to`; durable: fsyncs the directory so the new name survives a crash. */
export async function renameIntoPlace(from: string, to: string, durable: boolean): Promise<void> {
  await rename(from, to);
  if (!durable) return;
  const dir = await open(dirname(to), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
