// While a copy has reads in flight into engine memory, that memory must not grow (growing may move
// the buffer under the reads). Another call on the same engine that needs more memory during the
// copy fails with E_ENGINE_BUSY; the copy itself completes intact; after it, the same call works.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine, openImageNode } from '../../../src/host/node-engine.js';
import { convertImage } from '../helpers/node-ops.js';
import { isVdiskError } from '../../../src/errors/vdisk-error.js';
import { qemuImg, qemuIo } from '../../fixtures/qemu.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { expectIdentical } from '../helpers/helpers.js';

describe('engine memory pinned during a copy', () => {
  let root: string;
  beforeAll(() => {
    root = makeScratchDir('memory-pin');
    qemuImg(['create', '-q', '-f', 'qcow2', join(root, 'src.qcow2'), '256M']);
    qemuIo(join(root, 'src.qcow2'), ['write -P 0x3c 0 64M', 'write -P 0x5d 128M 64M']);
    // 4 KiB clusters over 4 TiB: a 16 MiB L1 table, which the engine must grow its memory to hold.
    qemuImg(['create', '-q', '-f', 'qcow2', '-o', 'cluster_size=4096', join(root, 'big-l1.qcow2'), '4T']);
  });
  afterAll(() => removeScratchDir(root));

  it('a call that would grow memory mid-copy gets E_ENGINE_BUSY; the copy is intact; afterwards it works', async () => {
    const engine = await createNodeEngine();
    const during: unknown[] = [];
    let tried = false;
    await convertImage({
      engine,
      source: join(root, 'src.qcow2'),
      target: join(root, 'out.raw'),
      targetFormat: 'raw',
      durable: false,
      onProgress: () => {
        if (tried) return;
        tried = true;
        during.push(
          openImageNode(engine, join(root, 'big-l1.qcow2')).then(
            (c) => c.close(),
            (e) => e,
          ),
        );
      },
    });
    const [outcome] = await Promise.all(during);
    expect(tried).toBe(true);
    expect(isVdiskError(outcome) && outcome.code).toBe('E_ENGINE_BUSY');
    expectIdentical(join(root, 'src.qcow2'), join(root, 'out.raw'));
    const chain = await openImageNode(engine, join(root, 'big-l1.qcow2'));
    expect(chain.size).toBe(4 * 2 ** 40);
  });
});
