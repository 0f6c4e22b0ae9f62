// An offline move between two pools on one file system is a rename: the files keep their inodes, the
// chain stays readable (qemu-img check) and equal to a copy taken before (qemu-img compare), and the
// volumes keep their ids. Across file systems (p1 on a loop-mounted XFS, p2 on the temp disk) the
// same request still copies. Real agent, real files, real qemu-img.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ended, planFor, qemuImg, qemuIo, submit, testAgent, type TestAgent } from '../../agent/helpers.js';
import { mountXfs, type Xfs } from './xfs.js';

let xfs: Xfs;
let t: TestAgent | undefined;
const dirs: string[] = [];
beforeAll(() => {
  xfs = mountXfs();
});
afterAll(() => xfs?.unmount());
afterEach(async () => {
  await t?.close();
  t = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** base.qcow2 <- top.qcow2 (relative backing name) in `p1`, each layer with its own data. */
function makeChain(p1: string): void {
  const base = join(p1, 'base.qcow2');
  const top = join(p1, 'top.qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', base, '8M');
  qemuIo(base, 'write -P 0x11 0 2M');
  qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', top);
  qemuIo(top, 'write -P 0x22 1M 2M');
}

async function agentOn(p1: string, p2: string): Promise<TestAgent> {
  t = await testAgent({
    roots: [
      { name: 'p1', dir: p1 },
      { name: 'p2', dir: p2 },
    ],
    adopt: [
      { volume: 'p1:top.qcow2', format: 'qcow2' },
      { volume: 'p1:base.qcow2', format: 'qcow2' },
    ],
  });
  return t;
}

async function run(plan: unknown) {
  const st = await ended(t!, (await submit(t!, plan)).body.id);
  expect([st.state, st.report?.outcome]).toEqual(['done', 'done']);
}

const ino = (path: string) => statSync(path).ino;

describe('offline move between pools', () => {
  it('on one file system: flush, rename; same inodes, same ids, the chain checks and compares equal', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vmove-'));
    dirs.push(root);
    const [p1, p2, ref] = ['p1', 'p2', 'ref'].map((d) => join(root, d));
    for (const d of [p1, p2]) mkdirSync(d);
    makeChain(p1);
    cpSync(p1, ref, { recursive: true }); // the chain as it was, to compare with after the move
    await agentOn(p1, p2);
    const inv = await (await t!.req('GET', '/v1/inventory')).json();
    const fs = inv.pools.map((p: { fs?: { id: string } }) => p.fs?.id);
    expect(fs[0]).toBeTruthy();
    expect(fs[1]).toBe(fs[0]);
    const before = { base: ino(join(p1, 'base.qcow2')), top: ino(join(p1, 'top.qcow2')) };
    const plan = await planFor(t!, { kind: 'move', volume: 'p1:top.qcow2', toPool: 'p2', shape: 'keep-chain' });
    expect(plan.steps.map((s) => s.action)).toEqual(['flush-volume', 'flush-volume', 'rename-volumes']);
    await run(plan);
    expect(ino(join(p2, 'base.qcow2'))).toBe(before.base);
    expect(ino(join(p2, 'top.qcow2'))).toBe(before.top);
    expect(existsSync(join(p1, 'base.qcow2')) || existsSync(join(p1, 'top.qcow2'))).toBe(false);
    qemuImg('check', '-q', join(p2, 'top.qcow2'));
    qemuImg('compare', '-q', join(ref, 'top.qcow2'), join(p2, 'top.qcow2'));
    const after = await (await t!.req('GET', '/v1/inventory')).json();
    const ids = after.volumes.map((v: { id: string; pool: string }) => `${v.id}@${v.pool}`).sort();
    expect(ids).toEqual(['p1:base.qcow2@p2', 'p1:top.qcow2@p2']);
  });

  it('across file systems (XFS loop mount to the temp disk): the same request copies', async () => {
    const p1 = join(xfs.dir, 'across');
    mkdirSync(p1);
    const p2 = mkdtempSync(join(tmpdir(), 'vmove-p2-'));
    dirs.push(p1, p2);
    makeChain(p1);
    const ref = mkdtempSync(join(tmpdir(), 'vmove-ref-'));
    dirs.push(ref);
    cpSync(p1, ref, { recursive: true });
    await agentOn(p1, p2);
    const inv = await (await t!.req('GET', '/v1/inventory')).json();
    expect(inv.pools[0].fs.id).not.toBe(inv.pools[1].fs.id);
    const before = ino(join(p1, 'top.qcow2'));
    const plan = await planFor(t!, { kind: 'move', volume: 'p1:top.qcow2', toPool: 'p2', shape: 'keep-chain' });
    const actions = plan.steps.map((s) => s.action);
    expect(actions).toContain('copy-data');
    expect(actions).not.toContain('rename-volumes');
    await run(plan);
    expect(ino(join(p2, 'top.qcow2'))).not.toBe(before);
    execFileSync('sync');
    qemuImg('check', '-q', join(p2, 'top.qcow2'));
    qemuImg('compare', '-q', join(ref, 'top.qcow2'), join(p2, 'top.qcow2'));
  });
});
