// readBitmaps (convert --bitmaps) on a damaged bitmap directory: a hostile bitmap_table_size or a
// directory past the end of the file is refused with E_QCOW2_BAD_BITMAPS, as the engine's own
// directory check refuses it, instead of sizing an allocation from it (found by the in-process
// fuzzer: "RangeError: Invalid typed array length: 17179869184").
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { qcow2, MiB } from '../../fixtures/fixture.js';
import { mutationTargets } from '../../fixtures/fuzz-targets.js';
import { qemuImg } from '../../fixtures/qemu.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { readBitmaps } from '../../../src/engine/qcow2/bitmap-read.js';
import { MemorySource } from '../../../src/io/memory-source.js';

describe('readBitmaps on a damaged directory', () => {
  let dir: string;
  let image: Buffer;
  let directory: number;
  beforeAll(() => {
    dir = makeScratchDir('bitmap-read');
    const img = qcow2(dir, 'b.qcow2', 4 * MiB, {}, ['write -P 1 0 128k']);
    qemuImg(['bitmap', '--add', img.path, 'b1']);
    image = readFileSync(img.path);
    directory = mutationTargets(image).find((r) => r.what === 'bitmap directory')!.start;
  });
  afterAll(() => removeScratchDir(dir));

  test('the undamaged image gives its bitmap', async () => {
    const got = await readBitmaps(new MemorySource(image));
    expect(got.list.map((b) => b.name)).toEqual(['b1']);
  });

  for (const tableSize of [0x80000000, 0xffffffff, 0]) {
    test(`bitmap_table_size 0x${tableSize.toString(16)} is E_QCOW2_BAD_BITMAPS`, async () => {
      const bytes = Buffer.from(image);
      bytes.writeUInt32BE(tableSize, directory + 8);
      await expect(readBitmaps(new MemorySource(bytes))).rejects.toMatchObject({ code: 'E_QCOW2_BAD_BITMAPS' });
    });
  }

  test('a table offset past the end of the file is E_QCOW2_BAD_BITMAPS', async () => {
    const bytes = Buffer.from(image);
    bytes.writeBigUInt64BE(BigInt(bytes.length + (1 << 16)), directory);
    await expect(readBitmaps(new MemorySource(bytes))).rejects.toMatchObject({ code: 'E_QCOW2_BAD_BITMAPS' });
  });
});
