// Sets the qcow2 dirty bit (incompatible_features bit 0, header offset 72) as a crashed QEMU with
// lazy refcounts leaves it.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

export function markDirty(path: string): void {
  const fd = openSync(path, 'r+');
  const b = Buffer.alloc(8);
  readSync(fd, b, 0, 8, 72);
  b[7] = b[7]! | 1;
  writeSync(fd, b, 0, 8, 72);
  closeSync(fd);
}
