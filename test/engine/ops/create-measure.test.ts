// create (raw, qcow2 with options, with a backing file) and measure, judged by qemu-img: measure's
// JSON must equal qemu-img measure --output=json for the same input and options.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { qemuImg } from '../../fixtures/qemu.js';
import { ALL_FIXTURES } from '../../fixtures/catalog.js';
import { buildChain, type TestChain } from '../helpers/chain-fixture.js';
import { expectCheckClean, expectIdentical, qemuInfo, vdiskOk } from '../helpers/helpers.js';
import { mkdirSync } from 'node:fs';

describe('create and measure', () => {
  let root: string;
  let chain: TestChain;
  beforeAll(() => {
    root = makeScratchDir('write-create');
    chain = buildChain(root);
  });
  afterAll(() => removeScratchDir(root));

  for (const o of [
    '',
    'compat=0.10',
    'cluster_size=4k,refcount_bits=8',
    'extended_l2=on',
    'preallocation=metadata',
    'compression_type=zstd,lazy_refcounts=on',
  ]) {
    test(`create -f qcow2 ${o ? `-o ${o}` : ''} 3G: check clean, reads as zeros, same virtual size`, async () => {
      const out = join(root, `c-${o.replace(/[=,]/g, '_') || 'default'}.qcow2`);
      await vdiskOk(['create', '-f', 'qcow2', ...(o ? ['-o', o] : []), out, '3G'], root);
      expectCheckClean(out);
      expect(qemuInfo(out)['virtual-size']).toBe(3 * 2 ** 30);
      const ref = join(root, `ref-${o.replace(/[=,]/g, '_') || 'default'}.qcow2`);
      qemuImg(['create', '-q', '-f', 'qcow2', ...(o ? ['-o', o] : []), ref, '3G']);
      expectIdentical(ref, out);
    });
  }

  test('create -f qcow2 -b top -F qcow2: size from the backing file, reads as the chain', async () => {
    const out = join(root, 'overlay.qcow2');
    await vdiskOk(['create', '-f', 'qcow2', '-b', 'top.qcow2', '-F', 'qcow2', out], root);
    expectCheckClean(out);
    expect(qemuInfo(out)['backing-filename']).toBe('top.qcow2');
    expectIdentical(chain.top, out);
  });

  test('create -f raw: sparse file of the size', async () => {
    const out = join(root, 'new.raw');
    await vdiskOk(['create', '-f', 'raw', out, '10M'], root);
    expect(qemuInfo(out)['virtual-size']).toBe(10 << 20);
  });

  const measureArgs = [
    ['-O', 'raw'],
    ['-O', 'qcow2'],
    ['-O', 'qcow2', '-o', 'compat=0.10'],
    ['-O', 'qcow2', '-o', 'cluster_size=4k,refcount_bits=1'],
    ['-O', 'qcow2', '-o', 'extended_l2=on,cluster_size=2M'],
    ['-O', 'qcow2', '-o', 'backing_file=mid.qcow2,backing_fmt=qcow2'],
  ];
  for (const a of measureArgs) {
    test(`measure --output=json ${a.join(' ')} equals qemu-img measure`, async () => {
      const ours = JSON.parse((await vdiskOk(['measure', '--output=json', ...a, chain.top], root)).stdout);
      expect(ours).toStrictEqual(JSON.parse(qemuImg(['measure', '--output=json', ...a, chain.top], root)));
    });
  }

  test('measure --size equals qemu-img measure --size', async () => {
    for (const s of ['1G', '4T', '12345678']) {
      const ours = JSON.parse((await vdiskOk(['measure', '--output=json', '-O', 'qcow2', '--size', s], root)).stdout);
      expect(ours).toStrictEqual(JSON.parse(qemuImg(['measure', '--output=json', '-O', 'qcow2', '--size', s])));
    }
  });

  test('measure equals qemu-img measure on every read-side fixture', async () => {
    for (const f of ALL_FIXTURES.filter((x) => !x.unrecordedBackingFormat)) {
      const dir = join(root, 'fx', f.name);
      mkdirSync(dir, { recursive: true });
      const img = f.build(dir);
      const ours = JSON.parse((await vdiskOk(['measure', '--output=json', '-O', 'qcow2', img.path], dir)).stdout);
      expect(ours, f.name).toStrictEqual(
        JSON.parse(qemuImg(['measure', '--output=json', '-O', 'qcow2', img.path], dir)),
      );
    }
  }, 180_000);
});
