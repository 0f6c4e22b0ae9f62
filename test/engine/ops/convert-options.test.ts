// convert -O qcow2 with every creation option the writer supports, -S sizes, a larger target and
// compat=0.10: each output compared with the source chain and checked by qemu-img; the options must
// show in qemu-img info.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { qemuImg } from '../../fixtures/qemu.js';
import { buildChain, type TestChain } from '../helpers/chain-fixture.js';
import { expectAllocatedNear, expectCheckClean, expectIdentical, qemuInfo, vdiskOk } from '../helpers/helpers.js';

const CASES: { o: string; expect: Record<string, unknown>; c?: boolean }[] = [
  { o: 'compat=0.10', expect: { compat: '0.10' } },
  { o: 'cluster_size=4096', expect: { 'cluster-size': 4096 } },
  { o: 'cluster_size=512,refcount_bits=2', expect: { 'refcount-bits': 2 } },
  { o: 'cluster_size=2M', expect: { 'cluster-size': 2097152 } },
  { o: 'refcount_bits=1', expect: { 'refcount-bits': 1 } },
  { o: 'refcount_bits=64', expect: { 'refcount-bits': 64 } },
  { o: 'extended_l2=on', expect: { 'extended-l2': true } },
  { o: 'extended_l2=on,cluster_size=16k', expect: { 'extended-l2': true } },
  { o: 'lazy_refcounts=on', expect: { 'lazy-refcounts': true } },
  { o: 'preallocation=metadata', expect: {} },
  { o: 'compression_type=zstd', expect: { 'compression-type': 'zstd' }, c: true },
  { o: 'compression_type=zstd,cluster_size=2M', expect: { 'compression-type': 'zstd' }, c: true },
  { o: 'cluster_size=4096', expect: {}, c: true },
  { o: 'refcount_bits=1', expect: {}, c: true },
];

function formatSpecific(info: any): Record<string, unknown> {
  return { ...info['format-specific'].data, 'cluster-size': info['cluster-size'] };
}

describe('convert -O qcow2 -o OPTIONS over a 3-layer chain', () => {
  let root: string;
  let chain: TestChain;
  beforeAll(() => {
    root = makeScratchDir('write-options');
    chain = buildChain(root);
  });
  afterAll(() => removeScratchDir(root));

  CASES.forEach(({ o, expect: want, c }, i) => {
    test(`-o ${o}${c ? ' -c' : ''}: identical, check clean, options recorded`, async () => {
      const out = join(root, `opt${i}.qcow2`);
      await vdiskOk(['convert', ...(c ? ['-c'] : []), '-O', 'qcow2', '-o', o, chain.top, out], root);
      expectIdentical(chain.top, out);
      expectCheckClean(out);
      expect(formatSpecific(qemuInfo(out))).toMatchObject(want);
    });
  });

  for (const s of ['0', '512', '4k', '64k', '1M']) {
    test(`-S ${s} -O raw: identical, as sparse as qemu-img -S ${s}`, async () => {
      const out = join(root, `s${s}.raw`);
      const ref = join(root, `s${s}-qemu.raw`);
      await vdiskOk(['convert', '-S', s, '-O', 'raw', chain.top, out], root);
      qemuImg(['convert', '-S', s, '-O', 'raw', chain.top, ref], root);
      expectIdentical(chain.top, out);
      expectAllocatedNear(out, ref);
    });
  }

  test('--target-size makes a larger target whose extra space reads as zeros (raw and qcow2)', async () => {
    for (const fmt of ['raw', 'qcow2']) {
      const out = join(root, `big.${fmt}`);
      await vdiskOk(['convert', '-O', fmt, '--target-size', '40M', chain.top, out], root);
      expect(qemuInfo(out)['virtual-size']).toBe(40 << 20);
      expectIdentical(chain.top, out, []);
      if (fmt === 'qcow2') expectCheckClean(out);
    }
  });
});
