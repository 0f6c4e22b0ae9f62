// Several sources into a target that has a backing file. qemu-img 7.2 refuses a backing file for a
// new target with several sources (-B and -o backing_file alike, and -n -B), so a source boundary
// never cuts a cluster whose other part is left to the backing file; -n onto an existing backed
// target flattens every source and writes its whole window, and the cluster the last source ends
// inside (a larger target) keeps the target's bytes past the end, as qemu-img's copy-on-write does.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { qcow2 } from '../../fixtures/fixture.js';
import { runTool } from '../../fixtures/qemu.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { createNodeEngine, openImageNode } from '../../../src/host/node-engine.js';
import { copyConcat } from '../../../src/engine/copy/concat.js';
import type { Sink } from '../../../src/engine/copy/sink.js';
import { vdiskRun } from '../helpers/helpers.js';
import { reuseBoth, scratch } from '../helpers/reuse-fixture.js';

const KiB = 1024;
const MiB = 1 << 20;
let root: string;
let fresh: () => string;

/** Two sources whose boundary (1000 KiB) falls inside a 64 KiB cluster; the first is a chain. */
function sources(dir: string): string[] {
  qcow2(dir, 'sb.qcow2', 1000 * KiB, {}, ['write -P 0x33 0 1000k']);
  const s1 = qcow2(dir, 's1.qcow2', 1000 * KiB, { backing_file: 'sb.qcow2', backing_fmt: 'qcow2' }, [
    'write -P 0x11 0 100k',
    'write -z 900k 100k',
  ]).path;
  const s2 = qcow2(dir, 's2.qcow2', MiB, {}, ['write -P 0x22 512k 64k']).path;
  return [s1, s2];
}

describe('several sources into a backed target', () => {
  beforeAll(() => {
    root = makeScratchDir('write-concat-backed');
    fresh = scratch(root);
  });
  afterAll(() => removeScratchDir(root));

  for (const size of [2024 * KiB, 4 * MiB, 4 * MiB + 1000 * KiB]) {
    test(`-n onto a backed qcow2 of ${size / KiB} KiB holding data: identical to qemu-img's, clean`, async () => {
      const dir = fresh();
      qcow2(dir, 'bk.qcow2', 8 * MiB, {}, ['write -P 0xbb 0 8M']);
      const t = qcow2(dir, 't.qcow2', size, { backing_file: 'bk.qcow2', backing_fmt: 'qcow2' }, [
        'write -P 0x77 0 500k',
        'write -P 0x78 1984k 40k',
      ]).path;
      const src = sources(dir);
      await reuseBoth(dir, t, size > 4 * MiB ? [...src, ...src] : src);
    });
  }

  const refused: [string, string[]][] = [
    ['-o backing_file', ['-o', 'backing_file=bk.qcow2,backing_fmt=qcow2']],
    ['-n -B', ['-n', '-B', 'bk.qcow2', '-F', 'qcow2']],
  ];
  for (const [what, opts] of refused) {
    test(`${what} with several sources is refused (E_BAD_OPTION), as qemu-img refuses it`, async () => {
      const dir = fresh();
      qcow2(dir, 'bk.qcow2', 4 * MiB, {});
      qcow2(dir, 't.qcow2', 4 * MiB, { backing_file: 'bk.qcow2', backing_fmt: 'qcow2' });
      const args = ['convert', '-O', 'qcow2', ...opts, ...sources(dir), join(dir, 't.qcow2')];
      const q = runTool('qemu-img', args, dir);
      expect(q.status).not.toBe(0);
      expect(q.stderr).toContain('makes no sense when concatenating multiple input images');
      const r = await vdiskRun(args, dir);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('E_BAD_OPTION');
    });
  }

  test('copyConcat itself refuses a shallow copy of several sources (E_BAD_OPTION), before writing', async () => {
    const dir = fresh();
    const engine = await createNodeEngine();
    const chains = [];
    for (const s of sources(dir)) chains.push(await openImageNode(engine, s));
    const calls: string[] = [];
    const sink: Sink = {
      unit: 65536,
      backed: true,
      finish: async () => {
        calls.push('finish');
      },
      data: async () => {
        calls.push('data');
      },
      zero: async () => {
        calls.push('zero');
      },
      hole: async () => {
        calls.push('hole');
      },
    };
    try {
      await expect(copyConcat(engine, chains, sink, { shallow: true })).rejects.toMatchObject({ code: 'E_BAD_OPTION' });
      expect(calls).toEqual([]);
    } finally {
      for (const c of chains) await c.close();
    }
  });
});
