// A hostile bitmap_table_size (up to 2^32 entries) in the bitmap directory: check counts the table's
// clusters but reads only the part inside the file (the rest reads as zeros and counts nothing), and
// stops counting clusters past the end of the file at the first it cannot track, as QEMU's
// qcow2_inc_refcounts_imrt returns there. Found by the in-process fuzzer (docs/fuzz.md): before, a
// table of 0x7fffffff entries walked ~10^9 clusters' bookkeeping and ended in E_NO_MEMORY, and one of
// 0x01000001 entries read 128 MiB of zeros into the engine.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { qcow2, MiB } from '../../fixtures/fixture.js';
import { mutationTargets } from '../../fixtures/fuzz-targets.js';
import { qemuImg } from '../../fixtures/qemu.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { createNodeEngine, openImageNode } from '../../../src/host/node-engine.js';
import { checkLayer } from '../../../src/engine/read/check.js';

describe('check with a hostile bitmap table size', () => {
  let dir: string;
  let image: Buffer;
  beforeAll(() => {
    dir = makeScratchDir('check-bitmap-table');
    const img = qcow2(dir, 'b.qcow2', 4 * MiB, {}, ['write -P 1 0 128k']);
    qemuImg(['bitmap', '--add', img.path, 'b1']);
    image = readFileSync(img.path);
  });
  afterAll(() => removeScratchDir(dir));

  for (const tableSize of [0x7fffffff, 0x01000001, 0xffffffff]) {
    test(`table_size 0x${tableSize.toString(16)}: a report, with engine memory that stays small`, async () => {
      const bytes = Buffer.from(image);
      const directory = mutationTargets(bytes).find((r) => r.what === 'bitmap directory')!;
      expect(directory, 'the image has a bitmap directory').toBeDefined();
      bytes.writeUInt32BE(tableSize, directory.start + 8);
      const path = `${dir}/hostile-${tableSize}.qcow2`;
      writeFileSync(path, bytes);
      const engine = await createNodeEngine();
      const chain = await openImageNode(engine, path);
      try {
        const report = await checkLayer(engine, chain.top);
        // The table runs past the end of the file: its clusters there are corruptions or errors.
        expect(report.corruptions + report.checkErrors).toBeGreaterThan(0);
        expect(engine.x.memory.buffer.byteLength).toBeLessThan(64 * MiB);
      } finally {
        await chain.close();
      }
    });
  }
});
