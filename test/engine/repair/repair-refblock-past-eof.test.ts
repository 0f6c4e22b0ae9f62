// check -r on a refcount table entry that names a block past the end of the file (QEMU 7.2
// check_refblocks: "refcount block N is outside image"). qemu-img's `-r all` grows the file to hold
// the block, counts again (the block reads as empty, so the refcount structure is rebuilt) and frees
// the grown block as a leak; `-r leaks` leaves the corruption (and fails where a rebuild is needed).
// Both tools repair copies of one file: same exit code and counts, the same file size, header and
// guest content afterwards, and the same allocated size.
import { readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MiB, qcow2 } from '../../fixtures/fixture.js';
import { patchFile } from '../../fixtures/patch-qcow2.js';
import { parseHeader } from '../../fixtures/qcow2-layout.js';
import { qemuCheckJson } from '../../fixtures/qemu.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { expectAllocatedNear, expectCheckClean, expectIdentical } from '../helpers/helpers.js';
import { twinCopies, expectCheckAsQemu } from '../helpers/repair-twins.js';

/** Refcount table entry `index` → 16 MiB (the file is about 0.5 MiB). */
function pastEof(dir: string, index: number): string {
  const path = qcow2(dir, `rb${index}.qcow2`, 8 * MiB, {}, ['write -P 0x5a 0 128k', 'write -P 0x5b 3M 64k']).path;
  patchFile(path, (buf) => {
    buf.writeBigUInt64BE(16n * BigInt(MiB), parseHeader(buf).refcountTableOffset + index * 8);
  });
  return path;
}

const CASES = [
  { name: 'block 0 (covering every cluster of the file)', index: 0 },
  { name: 'block 1 (covering nothing the file holds yet)', index: 1 },
];

let root: string;

describe('check -r: refcount block past the end of the file', () => {
  const built = new Map<number, string>();
  beforeAll(() => {
    root = makeScratchDir('repair-rb-eof');
    for (const c of CASES) built.set(c.index, pastEof(root, c.index));
  });
  afterAll(() => removeScratchDir(root));

  for (const c of CASES) {
    for (const mode of ['leaks', 'all']) {
      test(`${c.name}: -r ${mode} as qemu-img`, async () => {
        const { q, v, dir } = twinCopies(root, built.get(c.index)!);
        await expectCheckAsQemu(q, v, dir, ['-r', mode]);
        expect(statSync(v).size).toBe(statSync(q).size);
        const after = qemuCheckJson(q).status;
        expect(qemuCheckJson(v).status).toBe(after);
        if (after !== 0) {
          expect(readFileSync(v).equals(readFileSync(q))).toBe(true);
          return;
        }
        expectCheckClean(v);
        expect(readFileSync(v).subarray(0, 104).equals(readFileSync(q).subarray(0, 104))).toBe(true);
        expectIdentical(q, v);
        expectAllocatedNear(v, q);
      });
    }
  }
});
