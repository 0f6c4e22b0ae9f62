// A clone within one reflink file system (a real loop-mounted XFS made with reflink=1) shares its data
// extents, so it is planned and run with less free space than its data: the agent reports both pools
// on one file system that reflinks, the plan asks only metadata headroom, the clone compares equal
// and its extents are shared. The same clone on pools said not to reflink is refused for its bytes.
// When the pool fills between plan and copy, the agent's own check before the copy lets a clone that
// shares through on headroom and stops one that cannot share (raw into qcow2) with E_AGENT_POOL_FULL.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counterIds } from '../../../src/plan/ids.js';
import type { Inventory } from '../../../src/plan/inventory.js';
import { planRequest } from '../../../src/plan/plan.js';
import { ended, qemuImg, qemuIo, submit, testAgent, type TestAgent } from '../../agent/helpers.js';
import { extentsOf, mountXfs, type Xfs } from './xfs.js';

const MiB = 1 << 20;
let xfs: Xfs;
let t: TestAgent;
let src: string;
beforeAll(async () => {
  xfs = mountXfs();
  const [p1, p2] = ['p1', 'p2'].map((d) => join(xfs.dir, d));
  for (const d of [p1, p2]) mkdirSync(d);
  src = join(p1, 'src.img');
  qemuImg('create', '-q', '-f', 'raw', src, '192M');
  qemuIo(src, 'write -P 0x5a 0 176M', 'raw');
  execFileSync('sync');
  t = await testAgent({
    roots: [
      { name: 'p1', dir: p1 },
      { name: 'p2', dir: p2 },
    ],
    adopt: [{ volume: 'p1:src.img', format: 'raw' }],
  });
}, 60_000);
afterAll(async () => {
  await t?.close();
  xfs?.unmount();
});

const inventory = async (): Promise<Inventory> => (await t.req('GET', '/v1/inventory')).json();
const clone = (name: string, format?: 'qcow2') => ({
  kind: 'clone',
  volume: 'p1:src.img',
  toPool: 'p2',
  name,
  verify: 'full',
  ...(format ? { format } : {}),
});

describe('clone on one reflink file system', () => {
  it('is planned and runs with less free space than its data; the clone shares its extents', async () => {
    const inv = await inventory();
    const [p1, p2] = inv.pools;
    expect(p1!.fs).toEqual({ id: p2!.fs!.id, reflink: true });
    const data = inv.volumes.find((v) => v.id === 'p1:src.img')!.allocated;
    expect(data).toBeGreaterThan(p2!.free); // a copy that reserved its data would not fit
    // The same pools said not to reflink: refused for the data it would need.
    const noReflink = { ...inv, pools: inv.pools.map((p) => ({ ...p, fs: { ...p.fs!, reflink: false } })) };
    expect(() => planRequest(clone('c.img'), noReflink, counterIds('n'))).toThrow(
      expect.objectContaining({ code: 'E_PLAN_POOL_TOO_SMALL' }),
    );
    const plan = planRequest(clone('c.img'), inv, counterIds('c'));
    const room = plan.preconditions.find((c) => c.check === 'pool-free');
    expect(room).toMatchObject({ bytes: MiB + Math.ceil(data / 64) });
    const before = xfs.free();
    const st = await ended(t, (await submit(t, plan)).body.id);
    expect([st.state, st.error]).toEqual(['done', undefined]);
    const target = join(xfs.dir, 'p2', 'c.img');
    qemuImg('compare', '-q', '-f', 'raw', '-F', 'raw', src, target);
    execFileSync('sync');
    const shared = extentsOf(target)
      .filter((e) => e.shared)
      .reduce((n, e) => n + e.length, 0);
    expect(shared).toBeGreaterThanOrEqual(176 * MiB);
    expect(before - xfs.free()).toBeLessThan(8 * MiB);
  });

  it.each([
    ['raw to raw shares: the agent asks the headroom only and copies', 's.img', undefined, 'done'],
    ['raw into qcow2 does not share: the agent asks every byte, E_AGENT_POOL_FULL', 's.qcow2', 'qcow2', 'rolled-back'],
  ] as const)('%s (the pool filled to 12 MiB free after planning)', async (_n, name, format, state) => {
    const small = join(xfs.dir, 'p1', 'small.img');
    if (!existsSync(small)) {
      qemuImg('create', '-q', '-f', 'raw', small, '32M');
      qemuIo(small, 'write -P 0x66 0 24M', 'raw');
      execFileSync('sync');
    }
    const plan = planRequest(
      { ...clone(name, format), volume: 'p1:small.img' },
      await inventory(),
      counterIds(format ?? 'r'),
    );
    const filler = join(xfs.dir, 'filler');
    // Another writer takes the room between the plan and the copy: the agent checks again then.
    t.agent.ctx.stepHooks = {
      beforeCall: (call) => {
        if (call.action !== 'copy-data') return;
        execFileSync('fallocate', ['-l', String(xfs.free() - 12 * MiB), filler]);
      },
    };
    try {
      const sub = await submit(t, plan);
      expect(sub.body).toMatchObject({ state: expect.any(String) });
      const st = await ended(t, sub.body.id);
      expect(st.state).toBe(state);
      const target = join(xfs.dir, 'p2', name);
      if (state === 'done') qemuImg('compare', '-q', '-f', 'raw', '-F', 'raw', small, target);
      else {
        expect(st.report?.failure).toMatchObject({ action: 'copy-data', code: 'E_AGENT_POOL_FULL' });
        expect(existsSync(target)).toBe(false);
      }
    } finally {
      t.agent.ctx.stepHooks = undefined;
      rmSync(filler, { force: true });
    }
  });
});
