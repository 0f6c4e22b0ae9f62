// Thousands of images (the generated pool: chains, standalone qcow2, raw, VMs known from the store)
// with hostile files among them: each bad file is refused alone with its typed code, the scan goes
// on, and everything else is listed and plannable.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { counterIds } from '../../../src/plan/ids.js';
import { planRequest } from '../../../src/plan/plan.js';
import { generatePool } from '../../helpers/image-pool.js';
import { qemuImg, testAgent, type TestAgent } from '../helpers.js';

let t: TestAgent | undefined;
let dir: string | undefined;
afterEach(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A qcow2 header with one field overwritten. */
function patched(path: string, offset: number, write: (b: Buffer) => void): void {
  const b = readFileSync(path);
  write(b.subarray(offset));
  writeFileSync(path, b);
}

describe('inventory at scale', () => {
  it('2,000 images and 10 VMs: hostile files are refused one by one, the rest listed and plannable', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vinv-'));
    const roots = ['p1', 'p2'].map((name) => ({ name, dir: join(dir!, name) }));
    for (const r of roots) mkdirSync(r.dir);
    const stateDir = join(dir, 'state');
    const pool = generatePool({ roots, images: 2_000, vms: 10, host: 'h1', stateDir }, join(dir, 'templates'));
    expect([pool.images, pool.vms.length, pool.snapshots]).toEqual([2_000, 10, 10]);

    const bad = join(roots[0]!.dir, 'bad');
    mkdirSync(bad);
    qemuImg('create', '-q', '-f', 'qcow2', join(bad, 'version.qcow2'), '1M');
    patched(join(bad, 'version.qcow2'), 4, (b) => b.writeUInt32BE(7)); // qcow2 version 7
    qemuImg('create', '-q', '-f', 'qcow2', join(bad, 'huge.qcow2'), '1M');
    patched(join(bad, 'huge.qcow2'), 24, (b) => b.writeBigUInt64BE(0xffff_ffff_ffff_fff0n)); // virtual size near 2^64
    qemuImg('create', '-q', '-f', 'qcow2', join(bad, 'l1.qcow2'), '1M');
    patched(join(bad, 'l1.qcow2'), 40, (b) => b.writeBigUInt64BE(1n << 60n)); // L1 table far past the end
    writeFileSync(join(bad, 'empty.img'), ''); // a raw image of size 0
    qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'loop-b.qcow2', '-F', 'qcow2', join(bad, 'loop-a.qcow2'), '1M');
    qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'loop-a.qcow2', '-F', 'qcow2', join(bad, 'loop-b.qcow2'), '1M');

    const vms = pool.vms.map((name) => ({ name, socket: join(dir!, 'qmp', `${name}.sock`) })); // off: no QEMU behind
    t = await testAgent({ roots, stateDir, vms });
    const c = await t.agent.ctx.inventory.fresh();
    const refused = Object.fromEntries(c.refused.map((r) => [r.path.split('/').pop(), r.code]));
    expect(refused).toEqual({
      'version.qcow2': 'E_QCOW2_BAD_VERSION',
      'huge.qcow2': 'E_QCOW2_BAD_SIZE',
      'l1.qcow2': 'E_QCOW2_BAD_L1',
      'empty.img': 'E_PLAN_BAD_INVENTORY',
    });
    // Every generated image is listed, and the two files that back each other (the planner refuses that chain).
    expect(c.inventory.volumes).toHaveLength(2_002);
    expect(new Set(c.inventory.volumes.map((v) => v.id))).toEqual(
      new Set([...pool.volumeIds, 'p1:bad:loop-a.qcow2', 'p1:bad:loop-b.qcow2']),
    );
    expect(c.inventory.vms).toHaveLength(10);
    expect(c.inventory.vms[0]).toMatchObject({
      id: 'vm-000',
      running: false,
      disks: [{ target: 'vda', volume: 'p1:vm-000:q-0002.qcow2' }],
    });
    expect(c.inventory.snapshots).toHaveLength(10);
    expect(c.inventory.volumes.find((v) => v.id === 'p2:set-001:q-0045.qcow2')).toMatchObject({
      backing: 'p2:set-001:q-0006.qcow2',
      formatSource: 'stated',
    });

    const plan = planRequest(
      { kind: 'clone', volume: 'p2:set-001:q-0045.qcow2', toPool: 'p1', name: 'x.qcow2' },
      c.inventory,
      counterIds('t'),
    );
    expect(plan.kind).toBe('clone');
    expect(() =>
      planRequest(
        { kind: 'clone', volume: 'p1:bad:loop-a.qcow2', toPool: 'p2', name: 'y.qcow2' },
        c.inventory,
        counterIds('u'),
      ),
    ).toThrow(expect.objectContaining({ code: 'E_PLAN_CHAIN_BROKEN' }));

    // The same files again: nothing is opened, not even the bad ones.
    const reads = t.agent.ctx.inventory.files.reads;
    const again = await t.agent.ctx.inventory.fresh();
    expect(t.agent.ctx.inventory.files.reads).toBe(reads);
    expect(again.refused.map((r) => r.code).sort()).toEqual(c.refused.map((r) => r.code).sort());
  });
});
