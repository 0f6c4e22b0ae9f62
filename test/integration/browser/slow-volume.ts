// A volume whose move or copy lasts: qcow2 with preallocated metadata (every cluster allocated, the
// file sparse, almost nothing on disk), so the engine reads the whole size: minutes at 256 GiB, tens
// of seconds at 16 GiB, where the demo volumes move in about a second. Tests that act on a running
// job use it so the job is still running whenever they act.
import { readdirSync } from 'node:fs';
import { qemuImg } from '../../fixtures/qemu.js';

export function slowVolume(path: string, size: string): void {
  qemuImg(['create', '-q', '-f', 'qcow2', '-o', 'preallocation=metadata', path, size]);
}

/** Every entry under `dir`, recursively, hidden ones included, sorted. */
export function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}
