// The flatten bench's images: a qcow2 of `virtualGiB` holding 1 GiB of incompressible data in 16
// pieces of 64 MiB spread over the first 2 GiB (the rest never written), made by qemu-img convert
// from a sparse raw file. The data comes from a fixed xorshift stream, so every run copies the same bytes.
import { closeSync, openSync, rmSync, truncateSync, writeSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const MiB = 1 << 20;

function piece(seed) {
  const words = new Uint32Array((64 * MiB) / 4);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    words[i] = x;
  }
  return new Uint8Array(words.buffer);
}

/** Writes `path` (qcow2, 64 KiB clusters) and returns it. */
export function dataImage(path, virtualGiB) {
  const raw = `${path}.raw`;
  const fd = openSync(raw, 'w');
  try {
    for (let i = 0; i < 16; i++) writeSync(fd, piece(0x9e3779b9 + i), 0, 64 * MiB, i * 128 * MiB);
  } finally {
    closeSync(fd);
  }
  truncateSync(raw, virtualGiB * 1024 * MiB);
  execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, path]);
  rmSync(raw);
  return path;
}
