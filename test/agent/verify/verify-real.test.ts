// verify-copy and check-target on real images made by qemu-img: each refusal is reached by a real
// difference (a byte changed, data missing, a stray cluster, another backing file), and names the
// first offending guest offset; a copy that only differs in how zeros are stored passes.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkTarget } from '../../../src/agent/verify/check-target.js';
import { verifyCopy } from '../../../src/agent/verify/verify-copy.js';
import { qemuImg, qemuIo, testAgent, type TestAgent } from '../helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

const MiB = 1 << 20;
const fmt = (p: string) => (p.endsWith('.raw') ? ('raw' as const) : ('qcow2' as const));

async function pair(): Promise<{ src: string; dst: string }> {
  t = await testAgent();
  const src = join(t.pool('p1'), 'src.qcow2');
  const dst = join(t.pool('p2'), 'dst.qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', src, '64M');
  qemuIo(src, 'write -P 0x5a 1M 2M');
  qemuIo(src, 'write -P 0x00 8M 1M'); // allocated, but zeros: a copy may leave a hole here
  qemuImg('convert', '-f', 'qcow2', '-O', 'qcow2', src, dst);
  return { src, dst };
}

const verify = (src: string, dst: string, mode: 'metadata' | 'full', depth: 'flatten' | 'top' = 'flatten') =>
  verifyCopy(t.agent.ctx, { source: 's', sourcePath: src, target: 'd', targetPath: dst, mode, depth }, fmt);

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: { code: string; detail: { offset?: number } }) => ({ code: e.code, offset: e.detail.offset }),
  );

describe('verify-copy on real files', () => {
  it('passes a true copy in both modes, though qemu-img turned the zero-filled MiB into a hole', async () => {
    const { src, dst } = await pair();
    await expect(verify(src, dst, 'metadata')).resolves.toBeUndefined();
    await expect(verify(src, dst, 'full')).resolves.toBeUndefined();
  });

  it('metadata: data the source has and the target lacks is a mismatch at its first byte', async () => {
    const { src, dst } = await pair();
    qemuIo(dst, 'discard 2M 64k');
    expect(await refusal(verify(src, dst, 'metadata'))).toEqual({ code: 'E_AGENT_VERIFY_MISMATCH', offset: 2 * MiB });
  });

  it('metadata, top-only copy: a zero cluster where the source has data is a mismatch, though the cluster is allocated', async () => {
    const { src, dst } = await pair();
    await expect(verify(src, dst, 'metadata', 'top')).resolves.toBeUndefined();
    qemuIo(dst, 'write -z 2M 64k'); // allocated as a zero cluster: the guest reads zeros, the source 0x5a
    expect(await refusal(verify(src, dst, 'metadata', 'top'))).toEqual({
      code: 'E_AGENT_VERIFY_MISMATCH',
      offset: 2 * MiB,
    });
  });

  it('full: one changed byte inside the data is found at its offset', async () => {
    const { src, dst } = await pair();
    qemuIo(dst, 'write -P 0x5b 2621443 1');
    expect(await refusal(verify(src, dst, 'full'))).toEqual({ code: 'E_AGENT_VERIFY_MISMATCH', offset: 2621443 });
  });

  it('full: data the target has where the source has a hole is found too', async () => {
    const { src, dst } = await pair();
    qemuIo(dst, 'write -P 0x01 40M 4k');
    expect(await refusal(verify(src, dst, 'full'))).toEqual({ code: 'E_AGENT_VERIFY_MISMATCH', offset: 40 * MiB });
  });

  it('a flattened copy that names a backing file, or a smaller one, fails on header facts', async () => {
    const { src } = await pair();
    const backed = join(t.pool('p2'), 'backed.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', '-b', src, '-F', 'qcow2', backed);
    expect((await refusal(verify(src, backed, 'metadata')))?.code).toBe('E_AGENT_VERIFY_MISMATCH');
    const small = join(t.pool('p2'), 'small.qcow2');
    qemuImg('convert', '-f', 'qcow2', '-O', 'qcow2', src, small);
    qemuImg('resize', '-q', '--shrink', '-f', 'qcow2', small, '32M');
    expect((await refusal(verify(src, small, 'metadata')))?.code).toBe('E_AGENT_VERIFY_MISMATCH');
  });

  it('top-only copy: a cluster the source top allocates and the copy lacks is a mismatch', async () => {
    t = await testAgent();
    const base = join(t.pool('p1'), 'base.qcow2');
    const top = join(t.pool('p1'), 'top.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', base, '16M');
    qemuIo(base, 'write -P 0x11 0 4M');
    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', top);
    qemuIo(top, 'write -z 1M 64k'); // a zero cluster over backing data: the copy must keep it
    qemuIo(top, 'write -P 0x22 3M 64k');
    const copy = join(t.pool('p1'), 'copy.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', copy);
    qemuIo(copy, 'write -P 0x22 3M 64k');
    expect(await refusal(verify(top, copy, 'metadata', 'top'))).toEqual({
      code: 'E_AGENT_VERIFY_MISMATCH',
      offset: MiB,
    });
    qemuIo(copy, 'write -z 1M 64k');
    await expect(verify(top, copy, 'metadata', 'top')).resolves.toBeUndefined();
    await expect(verify(top, copy, 'full', 'top')).resolves.toBeUndefined();
  });
});

describe('check-target on real files', () => {
  async function shallow() {
    t = await testAgent();
    const base = join(t.pool('p1'), 'base.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', base, '16M');
    qemuIo(base, 'write -P 0x11 0 4M');
    const target = join(t.pool('p1'), 'target.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', target);
    return { base, target };
  }
  const check = (
    path: string,
    expect: 'backing' | 'zeros',
    backingPath: string | null,
    format: 'raw' | 'qcow2' = 'qcow2',
  ) => checkTarget(t.agent.ctx, { volume: 'v', path, format, minSize: 16 * MiB, expect, backingPath });

  it('backing: an empty overlay of the named backing passes; a cluster equal to the backing passes', async () => {
    const { base, target } = await shallow();
    await expect(check(target, 'backing', base)).resolves.toBeUndefined();
    qemuIo(target, 'write -P 0x11 64k 64k');
    await expect(check(target, 'backing', base)).resolves.toBeUndefined();
  });

  it('backing: stray data that hides the backing is refused at its first byte', async () => {
    const { base, target } = await shallow();
    qemuIo(target, 'write -P 0x11 0 2M');
    qemuIo(target, 'write -P 0x77 1179648 512'); // 1 MiB + 128 KiB, inside the backing's data
    expect(await refusal(check(target, 'backing', base))).toEqual({
      code: 'E_PLAN_TARGET_STRAY_DATA',
      offset: 1179648,
    });
  });

  it('backing: a zero cluster over backing data is stray data too (it reads zeros, the backing does not)', async () => {
    const { base, target } = await shallow();
    qemuIo(target, 'write -z 2M 64k');
    expect(await refusal(check(target, 'backing', base))).toEqual({
      code: 'E_PLAN_TARGET_STRAY_DATA',
      offset: 2 * MiB,
    });
  });

  it('backing: a target backed by a copy of the named file (same bytes, another inode) is refused', async () => {
    const { base } = await shallow();
    const twin = join(t.pool('p1'), 'twin.qcow2');
    copyFileSync(base, twin);
    const target = join(t.pool('p1'), 'on-twin.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'twin.qcow2', '-F', 'qcow2', target);
    expect((await refusal(check(target, 'backing', base)))?.code).toBe('E_PLAN_TARGET_WRONG_BACKING');
  });

  it('zeros: allocated zeros pass, a non-zero byte is refused at its offset, a wrong format is refused', async () => {
    t = await testAgent();
    const target = join(t.pool('p2'), 'pre.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', target, '16M');
    qemuIo(target, 'write -P 0 0 1M');
    await expect(check(target, 'zeros', null)).resolves.toBeUndefined();
    qemuIo(target, 'write -P 0x01 3145730 1');
    expect(await refusal(check(target, 'zeros', null))).toEqual({ code: 'E_PLAN_TARGET_NOT_EMPTY', offset: 3145730 });
    const raw = join(t.pool('p2'), 'pre.raw');
    qemuImg('create', '-q', '-f', 'raw', raw, '16M');
    expect((await refusal(check(raw, 'zeros', null, 'qcow2')))?.code).toBe('E_PLAN_REUSE_TARGET_MISMATCH');
  });
});
