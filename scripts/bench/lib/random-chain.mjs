// A 3-layer qcow2 chain of dense random data for the copy benches. In every 4 MiB of the virtual disk
// the base holds 55 % of the stride's data, the middle layer 45 % (partly over the base's) and the top
// 25 % elsewhere, `data` (default 5/16) of the size in all: the 8 GiB chain holds ~2.5 GiB.
// The bytes come from 16 pattern files of 2 MiB (AES-CTR under a fixed key, so every run builds the
// same chain); nothing compresses or scans as zero.
import { execFileSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MiB = 1 << 20;
const STRIDE = 4 * MiB;

/** Deterministic bytes that look random to every scan: AES-128-CTR of zeros under a key from `seed`. */
function patternBytes(seed, n) {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(n));
}

/** qcow2 base ← mid ← top in `dir`; returns the top's path. `data` is the fraction of each stride. */
export function randomChain(dir, name, sizeBytes, { data = 5 / 16 } = {}) {
  const pats = Array.from({ length: 16 }, (_, i) => {
    const p = join(dir, `${name}-pat${i}.bin`);
    writeFileSync(p, patternBytes(`${name}${i}`, 2 * MiB));
    return p;
  });
  const per = data * STRIDE; // bytes of data per stride, over the three layers
  const layers = [
    { file: `${name}-base.qcow2`, at: 0, len: per * 0.55 },
    { file: `${name}-mid.qcow2`, at: per * 0.3, len: per * 0.45 },
    { file: `${name}-top.qcow2`, at: STRIDE * 0.6, len: per * 0.25 },
  ];
  let back;
  for (const [k, l] of layers.entries()) {
    const path = join(dir, l.file);
    const backing = back ? ['-b', back, '-F', 'qcow2'] : [];
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', ...backing, path, String(sizeBytes)]);
    const len = Math.floor(l.len / 65536) * 65536;
    const at = Math.floor(l.at / 65536) * 65536;
    const cmds = [];
    for (let s = 0, i = 0; s < sizeBytes; s += STRIDE, i++)
      cmds.push('-c', `write -q -s ${pats[(i * 3 + k) % 16]} ${s + at} ${len}`);
    // qemu-io takes one argument list: a few thousand -c at a time keeps it under ARG_MAX.
    for (let i = 0; i < cmds.length; i += 4096)
      execFileSync('qemu-io', ['-t', 'unsafe', '-f', 'qcow2', ...cmds.slice(i, i + 4096), path]);
    back = l.file;
  }
  return { top: join(dir, layers[2].file), files: [...layers.map((l) => join(dir, l.file)), ...pats] };
}
