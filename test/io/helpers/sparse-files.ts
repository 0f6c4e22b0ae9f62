// Real sparse files for the file-source tests, and qemu-img's view of them as the reference.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, ftruncateSync, writeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Extent } from '../../../src/io/source.js';

export function makeTempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'vdisk-io-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A file of `size` bytes, sparse except for `writes` (offset → bytes written there). */
export function makeSparseFile(path: string, size: number, writes: Array<[number, Uint8Array]> = []): void {
  const fd = openSync(path, 'w');
  try {
    ftruncateSync(fd, size);
    for (const [offset, bytes] of writes) writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

export const filled = (length: number, value = 0xa5) => new Uint8Array(length).fill(value);

interface QemuMapEntry {
  start: number;
  length: number;
  data: boolean;
}

/**
 * `qemu-img map --output=json -f raw` reduced to data/hole runs inside the file. qemu rounds a raw
 * image's size up to 512 bytes; the part past the real end of file is cut off here.
 */
export function qemuRawExtents(path: string, fileSize: number): Extent[] {
  const out = execFileSync('qemu-img', ['map', '--output=json', '-f', 'raw', path], { encoding: 'utf8' });
  const runs: Extent[] = [];
  for (const e of JSON.parse(out) as QemuMapEntry[]) {
    const end = Math.min(e.start + e.length, fileSize);
    if (end <= e.start) continue;
    const prev = runs[runs.length - 1];
    if (prev && prev.data === e.data && prev.start + prev.length === e.start) prev.length = end - prev.start;
    else runs.push({ start: e.start, length: end - e.start, data: e.data });
  }
  return runs;
}
