// createImage's progress and cancellation: phase 'metadata' (bytes of L2 and L1 tables written)
// monotonic and complete, the image as qemu-img creates it; an already aborted signal, an abort
// during the first progress call or half-way fail with E_CANCELLED and leave no file behind.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createImage } from '../helpers/node-ops.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { abortedSignal, expectCancelled, expectProgressComplete, recorder } from '../helpers/long-op.js';
import { expectCheckClean, qemuInfo } from '../helpers/helpers.js';

const GiB = 2 ** 30;
let root: string;

describe('create: progress and cancellation', () => {
  beforeAll(() => {
    root = makeScratchDir('create-progress');
  });
  afterAll(() => removeScratchDir(root));

  test('qcow2 preallocation=metadata, 64 GiB: progress complete, aborts leave nothing', async () => {
    const dir = join(root, 'meta');
    mkdirSync(dir);
    const f = (k: number) => join(dir, `img${k}.qcow2`);
    const run = (k: number, r: object) =>
      createImage({ target: f(k), format: 'qcow2', size: 64 * GiB, options: { preallocation: 'metadata' }, ...r });
    const full = recorder();
    await run(0, full);
    expectProgressComplete(full.calls, ['metadata']);
    expect(full.calls.length).toBeGreaterThan(10); // one per L2 table written, at least
    expect(full.calls.at(-1)!.total).toBeGreaterThanOrEqual(128 * 65536);
    expectCheckClean(f(0));
    expect(qemuInfo(f(0))['virtual-size']).toBe(64 * GiB);
    await expectCancelled(run(1, { signal: abortedSignal() }));
    await expectCancelled(run(2, recorder(1)));
    await expectCancelled(run(3, recorder(Math.floor(full.calls.length / 2))));
    for (const k of [1, 2, 3]) expect(existsSync(f(k)), `img${k}`).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes('.vdisk-'))).toEqual([]);
  });

  test('plain qcow2 and raw: one complete phase; an aborted signal leaves no file', async () => {
    for (const format of ['qcow2', 'raw'] as const) {
      const r = recorder();
      const f = join(root, `plain.${format}`);
      await createImage({ target: f, format, size: GiB, ...r });
      expectProgressComplete(r.calls, ['metadata']);
      const g = join(root, `cancelled.${format}`);
      await expectCancelled(createImage({ target: g, format, size: GiB, signal: abortedSignal() }));
      expect(existsSync(g)).toBe(false);
    }
  });
});
