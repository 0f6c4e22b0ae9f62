// -n -B onto an existing backed qcow2 (the target has a backing file because it already had one):
// qemu-img copies only the source's top and writes nothing where the top is unallocated, so the
// target keeps whatever it read there, its own data included; a larger target keeps its tail, and
// the cluster the source ends inside keeps the target's bytes past the end.
import { afterAll, beforeAll, describe, test } from 'vitest';
import { qcow2 } from '../../fixtures/fixture.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { expectSameMap, reuseBoth, scratch } from '../helpers/reuse-fixture.js';

const KiB = 1024;
const MiB = 1 << 20;
let root: string;
let fresh: () => string;

describe('convert -n -B onto an existing backed target', () => {
  beforeAll(() => {
    root = makeScratchDir('write-reuse-shallow');
    fresh = scratch(root);
  });
  afterAll(() => removeScratchDir(root));

  const cases: { size: number; io: string[]; what: string }[] = [
    {
      size: 1000 * KiB,
      io: ['write -P 0x77 0 500k', 'write -P 0x78 960k 40k'],
      what: "of the source's size, holding data",
    },
    { size: 1000 * KiB, io: [], what: "of the source's size, empty (rewritten from scratch)" },
    { size: 4 * MiB, io: ['write -P 0x77 0 500k', 'write -P 0x78 960k 64k'], what: 'larger, holding data' },
    { size: 4 * MiB, io: [], what: 'larger, empty' },
  ];
  for (const c of cases) {
    test(`target ${c.what}: identical to qemu-img's, same map, clean`, async () => {
      const dir = fresh();
      qcow2(dir, 'base.qcow2', 4 * MiB, {}, ['write -P 0xbb 0 4M']);
      qcow2(dir, 'mid.qcow2', 1000 * KiB, {}, ['write -P 0x33 0 1000k']);
      // The top allocates 0..128k and the cluster the source ends inside; the rest is left to mid.
      const top = qcow2(dir, 'top.qcow2', 1000 * KiB, { backing_file: 'mid.qcow2', backing_fmt: 'qcow2' }, [
        'write -P 0x11 0 100k',
        'write -z 960k 20k',
        'write -P 0x12 990k 10k',
      ]).path;
      const t = qcow2(dir, 't.qcow2', c.size, { backing_file: 'base.qcow2', backing_fmt: 'qcow2' }, c.io).path;
      const { q, v } = await reuseBoth(dir, t, ['-B', 'mid.qcow2', '-F', 'qcow2', top]);
      expectSameMap(q, v);
    });
  }
});
