// Shallow copies (-B: only the top layer, backed by the same parent), reused targets (-n,
// --target-is-zero) and the errors a convert must give without leaving a file behind.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { qemuImg, qemuIo, qemuMapJson, runTool } from '../../fixtures/qemu.js';
import { buildChain, type TestChain } from '../helpers/chain-fixture.js';
import { allocated, expectCheckClean, expectIdentical, qemuInfo, vdiskOk, vdiskRun } from '../helpers/helpers.js';

describe('convert -B (shallow), -n (reuse) and failures', () => {
  let root: string;
  let chain: TestChain;
  beforeAll(() => {
    root = makeScratchDir('write-shallow');
    chain = buildChain(root);
  });
  afterAll(() => removeScratchDir(root));

  for (const compat of ['1.1', '0.10']) {
    test(`-B mid -F qcow2 (compat=${compat}): backed by mid, reads as the top chain, top's zero clusters hide mid's data`, async () => {
      const out = join(root, `shallow-${compat}.qcow2`);
      await vdiskOk(
        ['convert', '-O', 'qcow2', '-o', `compat=${compat}`, '-B', 'mid.qcow2', '-F', 'qcow2', chain.top, out],
        root,
      );
      const info = qemuInfo(out);
      expect(info['backing-filename']).toBe('mid.qcow2');
      expect(info['backing-filename-format']).toBe('qcow2');
      expectIdentical(chain.top, out);
      expectCheckClean(out);
      // Only what the top allocates is in the copy: mid's data at 1M..3M stays in mid (depth 1).
      const at1M = qemuMapJson(out).find((e: any) => e.start <= 1 << 20 && e.start + e.length > 1 << 20);
      expect(at1M.depth).toBe(1);
      if (compat === '1.1') {
        const zero = qemuMapJson(out).find((e: any) => e.start === 0);
        expect(zero).toMatchObject({ depth: 0, zero: true, data: false });
      }
    });
  }

  test('-B over zero clusters (write -z) that lie over non-zero backing data', async () => {
    const dir = join(root, 'zover');
    qemuImg(['create', '-q', '-f', 'raw', join(root, 'zb.raw'), '4M']);
    qemuIo(join(root, 'zb.raw'), ['write -P 0x5a 0 4M'], { format: 'raw' });
    qemuImg(['create', '-q', '-f', 'qcow2', '-b', 'zb.raw', '-F', 'raw', join(root, 'zt.qcow2')], root);
    qemuIo(join(root, 'zt.qcow2'), ['write -z 0 1M', 'write -z 2M 4k', 'write -P 1 3M 4k']);
    const out = join(root, 'zcopy.qcow2');
    await vdiskOk(['convert', '-O', 'qcow2', '-B', 'zb.raw', '-F', 'raw', join(root, 'zt.qcow2'), out], root);
    expectIdentical(join(root, 'zt.qcow2'), out);
    expectCheckClean(out);
    expect(dir).toBeTruthy();
  });

  test('-n onto an existing raw image full of other bytes: zeros are written, content identical', async () => {
    const out = join(root, 'reuse.raw');
    qemuImg(['create', '-q', '-f', 'raw', out, '16M']);
    qemuIo(out, ['write -P 0xee 0 16M'], { format: 'raw' });
    await vdiskOk(['convert', '-n', '-O', 'raw', chain.top, out], root);
    expectIdentical(chain.top, out);
  });

  test('-n --target-is-zero onto a fresh sparse raw image: identical and still sparse', async () => {
    const out = join(root, 'reuse-zero.raw');
    qemuImg(['create', '-q', '-f', 'raw', out, '16M']);
    await vdiskOk(['convert', '-n', '--target-is-zero', '-O', 'raw', chain.top, out], root);
    expectIdentical(chain.top, out);
    expect(allocated(out)).toBeLessThan(12 << 20);
  });

  test('-n onto an existing qcow2 (REUSE_EXT): its options and backing are kept', async () => {
    const out = join(root, 'reuse.qcow2');
    qemuImg(['create', '-q', '-f', 'qcow2', '-o', 'cluster_size=4096', out, '16M']);
    qemuIo(out, ['write -P 0xee 0 8M']);
    await vdiskOk(['convert', '-n', '-O', 'qcow2', chain.top, out], root);
    expectIdentical(chain.top, out);
    expectCheckClean(out);
    expect(qemuInfo(out)['cluster-size']).toBe(4096);
  });

  test('-n onto a smaller target fails with E_SIZE_MISMATCH and keeps the target', async () => {
    const out = join(root, 'small.raw');
    qemuImg(['create', '-q', '-f', 'raw', out, '1M']);
    const r = await vdiskRun(['convert', '-n', '-O', 'raw', chain.top, out], root);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('E_SIZE_MISMATCH');
    expect(existsSync(out)).toBe(true);
  });

  test('-n with -o is refused as qemu-img refuses it, and the target is left as it was', async () => {
    const out = join(root, 'reuse-o.qcow2');
    qemuImg(['create', '-q', '-f', 'qcow2', out, '16M']);
    const before = qemuMapJson(out);
    const q = runTool('qemu-img', ['convert', '-n', '-O', 'qcow2', '-o', 'cluster_size=4096', chain.top, out], root);
    expect(q.status).toBe(1);
    const r = await vdiskRun(['convert', '-n', '-O', 'qcow2', '-o', 'cluster_size=4096', chain.top, out], root);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('-o has no effect when skipping image creation');
    expect(qemuMapJson(out)).toEqual(before);
  });

  test('an existing destination is refused (E_TARGET_EXISTS) unless --force', async () => {
    const out = join(root, 'exists.raw');
    qemuImg(['create', '-q', '-f', 'raw', out, '1M']);
    const r = await vdiskRun(['convert', '-O', 'raw', chain.top, out], root);
    expect(r.stderr).toContain('E_TARGET_EXISTS');
    await vdiskOk(['convert', '--force', '-O', 'raw', chain.top, out], root);
    expectIdentical(chain.top, out);
  });

  test('a failing convert leaves no file at the destination and no temporary', async () => {
    const out = join(root, 'fail', 'never.qcow2');
    qemuImg(
      ['create', '-q', '-f', 'qcow2', '-b', 'missing.raw', '-F', 'raw', '-u', join(root, 'broken.qcow2'), '1M'],
      root,
    );
    const r = await vdiskRun(['convert', '-O', 'qcow2', join(root, 'broken.qcow2'), join(root, 'never.qcow2')], root);
    expect(r.stderr).toContain('E_BACKING_MISSING');
    expect(readdirSync(root).filter((n) => n.includes('never'))).toEqual([]);
    expect(out).toBeTruthy();
  });
});
