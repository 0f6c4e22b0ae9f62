// Reading a file through a descriptor opened before it was unlinked: what a wipe left behind.
import { fstatSync, readSync } from 'node:fs';

/** Non-zero bytes readable through `fd`, the file's size, and how many links it still has. */
export function readThrough(fd: number): { nonZero: number; size: number; links: number } {
  const st = fstatSync(fd);
  const buf = Buffer.alloc(1 << 20);
  const zeros = Buffer.alloc(buf.length);
  let nonZero = 0;
  for (let pos = 0; pos < st.size; pos += buf.length) {
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (buf.compare(zeros, 0, n, 0, n) === 0) continue;
    for (let i = 0; i < n; i++) if (buf[i] !== 0) nonZero++;
  }
  return { nonZero, size: st.size, links: st.nlink };
}
