// A check stopped by a failed read gives back every buffer it held: the L2 walk buffer, the snapshot
// table chunk and list, the bitmap directory. Before, checkEnd() freed only the refcount arrays, so
// each stopped check leaked (found by the in-process fuzzer's leak check), and the L2 buffer left
// behind was reused by the next check even when that image's clusters were larger.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { qcow2, MiB } from '../../fixtures/fixture.js';
import { mutationTargets } from '../../fixtures/fuzz-targets.js';
import { qemuImg, qemuIo } from '../../fixtures/qemu.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { createNodeEngine } from '../../../src/host/node-engine.js';
import { openChain } from '../../../src/engine/read/chain.js';
import { checkLayer } from '../../../src/engine/read/check.js';
import { MemorySource } from '../../../src/io/memory-source.js';
import { VdiskError } from '../../../src/errors/vdisk-error.js';

/** A source whose reads touching [failAt, failAt + 1) fail once `failAt` is set. */
class FailingSource extends MemorySource {
  failAt = -1;
  override async pread(buf: Uint8Array, offset: number): Promise<number> {
    if (this.failAt >= 0 && offset <= this.failAt && this.failAt < offset + buf.length)
      throw new VdiskError('E_IO', 'injected read failure');
    return super.pread(buf, offset);
  }
}

describe('a check stopped by a failed read frees what it held', () => {
  let dir: string;
  let image: Buffer;
  beforeAll(() => {
    dir = makeScratchDir('check-abort');
    const img = qcow2(dir, 's.qcow2', 4 * MiB, {}, ['write -P 1 0 128k']);
    qemuImg(['snapshot', '-c', 's1', img.path]);
    qemuIo(img.path, ['write -P 2 64k 64k']);
    qemuImg(['bitmap', '--add', img.path, 'b1']);
    image = readFileSync(img.path);
  });
  afterAll(() => removeScratchDir(dir));

  for (const region of ['L2 table 0', 'snapshot table', 'bitmap directory']) {
    test(`a read of the ${region} fails: engine memory in use is back where it was`, async () => {
      const at = mutationTargets(image).find((r) => r.what === region)?.start;
      expect(at, `the image has a ${region}`).toBeDefined();
      const engine = await createNodeEngine();
      const src = new FailingSource(new Uint8Array(image));
      const chain = await openChain(engine, src);
      try {
        const before = engine.x.memoryInUse();
        src.failAt = at!;
        await expect(checkLayer(engine, chain.top)).rejects.toMatchObject({ code: 'E_IO' });
        expect(engine.x.memoryInUse()).toBe(before);
        // And the engine checks the image whole afterwards.
        src.failAt = -1;
        expect((await checkLayer(engine, chain.top)).corruptions).toBe(0);
        expect(engine.x.memoryInUse()).toBe(before);
      } finally {
        await chain.close();
      }
    });
  }
});
