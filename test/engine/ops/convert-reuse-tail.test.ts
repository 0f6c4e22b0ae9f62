// -n onto a target larger than the source whose end falls inside a target cluster: qemu-img writes
// sectors, and the qcow2 driver completes the cluster from what the target read there before, so the
// rest of that cluster keeps the target's bytes (allocated, compressed, zero, unallocated with or
// without a backing file). Each case against qemu-img convert -n on a copy of the same target.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { qcow2, raw } from '../../fixtures/fixture.js';
import { qemuImg, qemuIo } from '../../fixtures/qemu.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { expectSameMap, reuseBoth, scratch } from '../helpers/reuse-fixture.js';

const KiB = 1024;
const MiB = 1 << 20;
let root: string;
let fresh: () => string;

// Source: 1000 KiB, ends 40 KiB into the target's 64 KiB cluster 15 [960k, 1024k).
const SOURCES: Record<string, string[]> = {
  'ends in data': ['write -P 0x11 0 100k', 'write -P 0x12 950k 50k'],
  'ends in zeros': ['write -P 0x11 0 100k'],
};

/** A 4 MiB target full of 0x77 whose cluster 15 is in the named state. */
function target(dir: string, kind: string): string {
  const backed = kind === 'unallocated over a backing file';
  if (backed) raw(dir, 'bk.raw', 4 * MiB, ['write -P 0xbb 0 4M']);
  const opts: Record<string, string> = backed ? { backing_file: 'bk.raw', backing_fmt: 'raw' } : {};
  const io = kind.startsWith('unallocated') ? ['write -P 0x77 0 960k', 'write -P 0x77 1M 3M'] : ['write -P 0x77 0 4M'];
  if (kind === 'zero') io.push('write -z 960k 64k');
  const t = qcow2(dir, kind === 'compressed' ? 'plain.qcow2' : 't.qcow2', 4 * MiB, opts, io).path;
  if (kind !== 'compressed') return t;
  qemuImg(['convert', '-c', '-O', 'qcow2', t, join(dir, 't.qcow2')]);
  return join(dir, 't.qcow2');
}

describe("convert -n onto a larger target: the cluster the source ends inside keeps the target's bytes past the end", () => {
  beforeAll(() => {
    root = makeScratchDir('write-reuse-tail');
    fresh = scratch(root);
  });
  afterAll(() => removeScratchDir(root));

  for (const [src, io] of Object.entries(SOURCES)) {
    for (const kind of ['allocated', 'compressed', 'zero', 'unallocated', 'unallocated over a backing file']) {
      test(`source ${src}, target cluster ${kind}: identical to qemu-img's, same map, clean`, async () => {
        const dir = fresh();
        const s = qcow2(dir, 's.qcow2', 1000 * KiB, {}, io).path;
        const { q, v } = await reuseBoth(dir, target(dir, kind), [s]);
        expectSameMap(q, v);
      });
    }
  }

  // Content and check only: qemu-img's map here follows its sector and subcluster writes.
  for (const o of ['compat=0.10', 'extended_l2=on', 'cluster_size=2M', 'cluster_size=4096,refcount_bits=1']) {
    test(`target ${o}, partly allocated, zero and unallocated pieces over a backing file: identical, clean`, async () => {
      const dir = fresh();
      raw(dir, 'bk.raw', 4 * MiB, ['write -P 0xbb 0 4M']);
      const t = join(dir, 't.qcow2');
      qemuImg(['create', '-q', '-f', 'qcow2', '-o', `${o},backing_file=bk.raw,backing_fmt=raw`, t, '4M'], dir);
      qemuIo(
        t,
        [
          'write -P 0x77 0 900k',
          'write -P 0x78 980k 4k',
          'write -P 0x7a 1000k 2k',
          'write -z 1004k 4k',
          'write -P 0x79 1010k 2k',
        ],
        { cwd: dir },
      );
      // 1001 KiB: the end falls inside a cluster of every size here (4 KiB ones too).
      const s = qcow2(dir, 's.qcow2', 1001 * KiB, {}, SOURCES['ends in data']!).path;
      await reuseBoth(dir, t, [s]);
    });
  }

  test('raw target (a source ending mid-cluster, then three sources, one of 777 bytes): identical', async () => {
    const dir = fresh();
    const s = qcow2(dir, 's.qcow2', 1000 * KiB, {}, SOURCES['ends in data']!).path;
    const odd = raw(dir, 'odd.raw', 777, ['write -P 0x55 0 512']).path;
    const t = raw(dir, 't.raw', 4 * MiB, ['write -P 0x77 0 4M']).path;
    await reuseBoth(dir, t, [s], 'raw');
    await reuseBoth(dir, t, [s, odd, s], 'raw');
  });
});
