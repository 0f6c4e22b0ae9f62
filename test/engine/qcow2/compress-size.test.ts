// Size of `convert -c` output against qemu-img's for the same input. QEMU packs compressed pieces
// byte by byte (qcow2_alloc_bytes) and keeps filling a partly used cluster after it appends an L2
// table; a writer that starts pieces on 512-byte boundaries or abandons the partial cluster makes
// files up to 25× larger with small clusters. Pieces here vary in size: each 4 KiB block is one
// byte repeated, or half random bytes.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { qemuImg } from '../../fixtures/qemu.js';
import { allocated, expectCheckClean, expectIdentical, vdiskOk } from '../helpers/helpers.js';

const MiB = 1 << 20;
let root: string;
let src: string;

/** A 256 MiB sparse raw image with 16 extents of 1 MiB, one every 16 MiB. */
function makeSource(): string {
  const file = join(root, 'src.raw');
  const fd = openSync(file, 'w');
  const block = new Uint8Array(4096);
  for (let e = 0; e < 16; e++) {
    for (let b = 0; b < 256; b++) {
      block.fill(((e * 7 + b) % 251) + 1);
      if ((b + e) % 3 === 0) block.set(randomBytes(2048));
      writeSync(fd, block, 0, block.length, e * 16 * MiB + b * 4096);
    }
  }
  closeSync(fd);
  truncateSync(file, 256 * MiB);
  return file;
}

describe('convert -c output size', () => {
  beforeAll(() => {
    root = makeScratchDir('compress-size');
    src = makeSource();
  });
  afterAll(() => removeScratchDir(root));

  for (const cluster of [1024, 4096, 65536]) {
    for (const type of ['zlib', 'zstd']) {
      test(`cluster_size=${cluster}, ${type}: within 5 % of qemu-img's file, check clean, identical`, async () => {
        const o = `cluster_size=${cluster},compression_type=${type}`;
        const ours = join(root, `v-${cluster}-${type}.qcow2`);
        const theirs = join(root, `q-${cluster}-${type}.qcow2`);
        await vdiskOk(['convert', '-c', '-f', 'raw', '-O', 'qcow2', '-o', o, src, ours], root);
        qemuImg(['convert', '-c', '-f', 'raw', '-O', 'qcow2', '-o', o, src, theirs], root);
        expectCheckClean(ours);
        expectIdentical(src, ours);
        const a = allocated(ours);
        const b = allocated(theirs);
        expect(Math.abs(a - b), `allocated ${a} vs qemu-img ${b}`).toBeLessThanOrEqual(b * 0.05);
      }, 60_000);
    }
  }
});
