// The simulator held to reality: each live scenario runs once against a real QEMU 7.2 (through the
// shared step → QMP map) and once in the simulator; both must succeed with the same QMP commands.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { afterAll, describe, expect, test } from 'vitest';
import { runPlan } from '../../src/plan/execute.js';
import { counterIds } from '../../src/plan/ids.js';
import type { InventoryInput } from '../../src/plan/inventory.js';
import { parseInventory, planRequest } from '../../src/plan/plan.js';
import { simulatePlan } from '../../src/plan/sim/simulate.js';
import { requireTool } from '../helpers/tools.js';
import { Qemu, realRunner, type RealRun } from './plan-real-qemu.js';

const root = fs.mkdtempSync(`${os.tmpdir()}/vdisk-plan-`);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const MiB = 1 << 20;

/** base <- snap1 <- snap2 in pool1 (opened in QEMU as the seed's chain), an empty qcow2 in pool2. */
function setUp(dir: string): InventoryInput {
  for (const p of ['pool1', 'pool2']) fs.mkdirSync(`${dir}/${p}`, { recursive: true });
  const img = (...a: string[]) => execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', ...a]);
  img(`${dir}/pool1/base.qcow2`, '64M');
  img('-b', 'base.qcow2', '-F', 'qcow2', `${dir}/pool1/snap1.qcow2`);
  img('-b', 'snap1.qcow2', '-F', 'qcow2', `${dir}/pool1/snap2.qcow2`);
  img(`${dir}/pool2/empty.qcow2`, '64M');
  const vol = (id: string, pool: string, backing: string | null, allocated = MiB) => ({
    id,
    pool: pool === 'pool1' ? 'p1' : 'p2',
    path: `${dir}/${pool}/${id}.qcow2`,
    format: 'qcow2' as const,
    virtualSize: 64 * MiB,
    allocated,
    backing,
    backingName: backing ? `${backing}.qcow2` : null,
  });
  return {
    pools: ['pool1', 'pool2'].map((p, i) => ({
      id: `p${i + 1}`,
      host: 'h',
      root: `${dir}/${p}`,
      capacity: 1e10,
      free: 1e10,
    })),
    volumes: [
      vol('base', 'pool1', null),
      vol('snap1', 'pool1', 'base'),
      vol('snap2', 'pool1', 'snap1'),
      vol('empty', 'pool2', null, 0),
    ],
    vms: [
      {
        id: 'vm1',
        host: 'h',
        running: true,
        disks: [
          {
            target: 'vda',
            volume: 'snap2',
            nodes: ['snap2', 'snap1', 'base'].map((v) => ({ volume: v, node: `n-${v}`, fileNode: `f-${v}` })),
          },
        ],
      },
    ],
    snapshots: [
      { id: 's1', vm: 'vm1', parent: null, current: false, disks: [{ target: 'vda', layer: 'snap1' }] },
      { id: 's2', vm: 'vm1', parent: 's1', current: true, disks: [{ target: 'vda', layer: 'snap2' }] },
    ],
  };
}

async function openChain(q: Qemu, dir: string): Promise<void> {
  for (const [v, backing] of [
    ['base', null],
    ['snap1', 'n-base'],
    ['snap2', 'n-snap1'],
  ] as const) {
    await q.call('blockdev-add', { driver: 'file', 'node-name': `f-${v}`, filename: `${dir}/pool1/${v}.qcow2` });
    const r = await q.call('blockdev-add', { driver: 'qcow2', 'node-name': `n-${v}`, file: `f-${v}`, backing });
    if (r.error) throw new Error(r.error.desc);
  }
}

const scenarios: [string, (dir: string) => Record<string, unknown>][] = [
  [
    'seed 001 COPY (flatten, blockdev-create target)',
    () => ({ kind: 'block-copy', vm: 'vm1', disks: [{ disk: 'vda', pool: 'p2', name: 'c.qcow2', flags: 8 }] }),
  ],
  [
    'seed 001 COPY|SHALLOW (target opened on the source backing)',
    () => ({ kind: 'block-copy', vm: 'vm1', disks: [{ disk: 'vda', pool: 'p2', name: 'c.qcow2', flags: 9 }] }),
  ],
  [
    'seed 001 COPY|COPY_RAW, abort without pivot',
    () => ({
      kind: 'block-copy',
      vm: 'vm1',
      finish: 'keep-copy',
      disks: [{ disk: 'vda', pool: 'p2', name: 'c.img', flags: 12 }],
    }),
  ],
  [
    'seed 001 COPY|REUSE_EXT',
    (dir) => ({
      kind: 'block-copy',
      vm: 'vm1',
      disks: [{ disk: 'vda', path: `${dir}/pool2/empty.qcow2`, format: 'qcow2', flags: 10 }],
    }),
  ],
  [
    'seed 001 live migration of the whole chain',
    () => ({ kind: 'move', volume: 'snap2', toPool: 'p2', shape: 'keep-chain' }),
  ],
  ['seed 003 atomic snapshot', () => ({ kind: 'snapshot', vm: 'vm1', name: 'sx' })],
  [
    'seed 004 delete the current snapshot (active commit + pivot)',
    () => ({ kind: 'snapshot-delete', vm: 'vm1', snapshot: 's2' }),
  ],
  [
    'seed 004 delete an older snapshot (intermediate commit)',
    () => ({ kind: 'snapshot-delete', vm: 'vm1', snapshot: 's1' }),
  ],
];

describe('live plans on real QEMU match the simulator', () => {
  requireTool('qemu-img');
  requireTool('qemu-system-x86_64');
  scenarios.forEach(([name, request], i) => {
    test(name, async () => {
      const dir = `${root}/${i}`;
      const w = setUp(dir);
      const plan = planRequest(request(dir), w, counterIds('vq'));
      const q = await Qemu.start(`${dir}/qmp.sock`);
      try {
        await openChain(q, dir);
        const real: RealRun = { inv: parseInventory(w), commands: [] };
        const report = await runPlan(plan, realRunner(q, real));
        expect(report.failure?.message).toBeUndefined();
        expect(report.outcome).toBe('done');
        const simulated = await simulatePlan(plan, parseInventory(w));
        expect(simulated.problems).toEqual([]);
        expect(simulated.qmp.map(({ execute, arguments: a }) => ({ execute, arguments: a }))).toEqual(real.commands);
        expect(simulated.world.inv).toEqual(real.inv);
      } finally {
        q.stop();
      }
    }, 30_000);
  });

  test('seed 001 block copy: a failed wait cancels the mirror and removes the target, as simulated', async () => {
    const dir = `${root}/group`;
    const w = setUp(dir);
    const request = { kind: 'block-copy', vm: 'vm1', disks: [{ disk: 'vda', pool: 'p2', name: 'c.qcow2', flags: 9 }] };
    const plan = planRequest(request, w, counterIds('vq'));
    const failing = plan.steps.find((s) => s.action === 'qmp-wait-ready')!.id;
    const q = await Qemu.start(`${dir}/qmp.sock`);
    try {
      await openChain(q, dir);
      const real: RealRun = { inv: parseInventory(w), commands: [] };
      const run = realRunner(q, real);
      const report = await runPlan(plan, (call, { step, undo }) => {
        if (!undo && step.id === failing) throw new Error('the mirror failed'); // as a job error would
        return run(call);
      });
      expect(report.outcome).toBe('rolled-back');
      expect(report.orphans).toEqual([]);
      const simulated = await simulatePlan(plan, parseInventory(w), { fault: { step: failing } });
      expect(simulated.problems).toEqual([]);
      expect(simulated.qmp.map(({ execute, arguments: a }) => ({ execute, arguments: a }))).toEqual(real.commands);
      expect(real.inv).toEqual(parseInventory(w));
      expect(fs.existsSync(`${dir}/pool2/c.qcow2`)).toBe(false);
      expect((await q.call('query-jobs', {})).return as unknown[]).toEqual([]);
    } finally {
      q.stop();
    }
  }, 30_000);
});
