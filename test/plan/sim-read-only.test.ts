// QEMU 7.2's read-only rule in the simulator (issue 13, item 10): snapshot → keep-chain live move →
// snapshot delete commits into a layer the move opened. The model refuses what QEMU refuses
// ("Block node is read-only"), so the sequence is checked end to end here, with the node options the
// agent sends and with the old ones (file node `read-only: true`), which real QEMU 7.2 refused.
import { describe, expect, it } from 'vitest';
import type { ActionCall } from '../../src/plan/actions.js';
import { counterIds } from '../../src/plan/ids.js';
import type { Inventory } from '../../src/plan/inventory.js';
import { parseInventory, planRequest } from '../../src/plan/plan.js';
import { qmpScript, type QmpOp } from '../../src/plan/qmp-map.js';
import { worldFromInventory } from '../../src/plan/sim/from-inventory.js';
import { qmpCommand } from '../../src/plan/sim/qemu.js';
import { simulatePlan, type SimOptions } from '../../src/plan/sim/simulate.js';
import type { SimWorld } from '../../src/plan/sim/world.js';
import { world } from './fixtures.js';
import { diskView } from './helpers.js';

/** The map before the fix: copied backing layers opened with `read-only: true` on a separate file node. */
function oldScript(call: ActionCall): QmpOp[] {
  if (call.action !== 'qmp-open-image' || !call.params.readOnly) return qmpScript(call);
  const p = call.params;
  return [
    {
      op: 'send',
      execute: 'blockdev-add',
      arguments: { driver: 'file', 'node-name': p.fileNode, filename: p.path, 'read-only': true },
    },
    {
      op: 'send',
      execute: 'blockdev-add',
      arguments: { driver: p.format, 'node-name': p.node, file: p.fileNode, 'read-only': true, backing: p.backing },
    },
  ];
}

/** Runs each request on the world the previous one left, as one VM living through them. */
type Request = Record<string, unknown> | ((inv: Inventory) => Record<string, unknown>);

async function sequence(requests: Request[], script?: SimOptions['script']) {
  let w: SimWorld = worldFromInventory(parseInventory(world({ snapshots: true })));
  const results = [];
  for (const [i, request] of requests.entries()) {
    const inv: Inventory = w.inv;
    const plan = planRequest(typeof request === 'function' ? request(inv) : request, inv, counterIds(`r${i}`));
    w = { ...w, violations: [], qmpLog: [] };
    const r = await simulatePlan(plan, inv, { world: w, ...(script ? { script } : {}) });
    results.push(r);
    w = r.world;
  }
  return results;
}

/** A keep-chain move of vda's current top layer. */
const move = (inv: Inventory) => ({
  kind: 'move',
  volume: inv.vms[0]!.disks[0]!.volume,
  toPool: 'p2',
  shape: 'keep-chain',
});
const CASES = [
  {
    name: 'snapshot, keep-chain move, delete that snapshot (active commit into a copied layer)',
    requests: [
      { kind: 'snapshot', vm: 'vm1', name: 's3' },
      move,
      { kind: 'snapshot-delete', vm: 'vm1', snapshot: 's3' },
    ],
  },
  {
    name: 'keep-chain move, delete the older snapshot (intermediate commit into a copied layer)',
    requests: [move, { kind: 'snapshot-delete', vm: 'vm1', snapshot: 's1' }],
  },
  {
    name: 'keep-chain move, delete the current snapshot (active commit into a copied layer)',
    requests: [move, { kind: 'snapshot-delete', vm: 'vm1', snapshot: 's2' }],
  },
];

describe('snapshot delete after a keep-chain live move', () => {
  for (const c of CASES) {
    it(`${c.name}: done, guest data kept`, async () => {
      const results = await sequence(c.requests);
      for (const r of results) {
        expect(r.problems).toEqual([]);
        expect(r.report.outcome).toBe('done');
      }
      const before = diskView(worldFromInventory(parseInventory(world({ snapshots: true }))), 'vm1', 'vda');
      expect(diskView(results.at(-1)!.world, 'vm1', 'vda')).toEqual(before);
      expect(results.at(-1)!.qmp.some((q) => q.execute === 'block-commit' && !q.error)).toBe(true);
    });

    it(`${c.name}, with the old node options: the commit is refused and the delete rolls back`, async () => {
      const results = await sequence(c.requests, oldScript);
      const del = results.at(-1)!;
      expect(del.report.outcome).toBe('rolled-back');
      expect(JSON.stringify(del.report.failure)).toContain('Block node is read-only');
      expect(del.problems.join('\n')).toMatch(
        /block-commit into \S+, whose file node \S+ was opened read-only without auto-read-only/,
      );
      expect(del.qmp.find((q) => q.execute === 'block-commit')?.error).toBe('generic');
    });
  }
});

/**
 * The model against what qemu-system-x86_64 7.2 answered to the same commands (run by hand, see
 * docs/qmp.md): a base whose separately added file node is `read-only: true` cannot be committed
 * into, whatever `auto-read-only` says; `auto-read-only: true` alone (libvirt's way) can.
 */
describe('the read-only rule of the QEMU model', () => {
  const FILES: [string, Record<string, unknown>, string | null][] = [
    ['read-only', { 'read-only': true }, 'Block node is read-only'],
    ['read-only and auto-read-only', { 'read-only': true, 'auto-read-only': true }, 'Block node is read-only'],
    ['auto-read-only (libvirt)', { 'auto-read-only': true }, null],
    ['read-write', {}, null],
  ];
  const fresh = () => {
    const w = worldFromInventory(parseInventory(world()));
    const q = w.qemu.get('vm1')!;
    const run = (execute: string, args: Record<string, unknown>) => qmpCommand(w, 'vm1', q, execute, args);
    return { w, run };
  };
  const refusal = (fn: () => void): string | null => {
    try {
      fn();
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  };

  for (const [name, fileOpts, answer] of FILES) {
    it(`block-commit into a read-only format node over a file node opened ${name}: ${answer ?? 'accepted'}`, () => {
      const { w, run } = fresh();
      run('blockdev-add', { driver: 'file', 'node-name': 'bf', filename: '/pool1/base.qcow2', ...fileOpts });
      run('blockdev-add', { driver: 'qcow2', 'node-name': 'b', file: 'bf', 'read-only': true, backing: null });
      run('blockdev-add', { driver: 'file', 'node-name': 'tf', filename: '/pool2/empty.qcow2' });
      run('blockdev-add', { driver: 'qcow2', 'node-name': 't', file: 'tf', backing: 'b' });
      expect(
        refusal(() => run('block-commit', { 'job-id': 'j', device: 't', 'top-node': 't', 'base-node': 'b' })),
      ).toBe(answer);
      // A read-write file under a read-only layer works but holds the image open for writing.
      expect(w.violations.some((v) => v.includes('open for writing'))).toBe(name === 'read-write');
    });
  }

  it('a writable format node over a read-only file node is refused at blockdev-add', () => {
    const { run } = fresh();
    run('blockdev-add', { driver: 'file', 'node-name': 'bf', filename: '/pool1/base.qcow2', 'read-only': true });
    expect(refusal(() => run('blockdev-add', { driver: 'qcow2', 'node-name': 'b', file: 'bf', backing: null }))).toBe(
      'Block node is read-only',
    );
  });

  it('blockdev-mirror into a read-only target is refused, even over an auto-read-only file node', () => {
    const { run } = fresh();
    run('blockdev-add', { driver: 'file', 'node-name': 'cf', filename: '/pool2/empty.qcow2', 'auto-read-only': true });
    run('blockdev-add', { driver: 'qcow2', 'node-name': 'c', file: 'cf', 'read-only': true, backing: null });
    expect(refusal(() => run('blockdev-mirror', { 'job-id': 'j', device: 'n-snap2', target: 'c', sync: 'full' }))).toBe(
      'Block node is read-only',
    );
  });

  it('an intermediate commit under a layer whose file node is read-only: accepted, then QEMU crashes at job-finalize', () => {
    const { w, run } = fresh();
    // vda: base <- snap1 <- snap2 (libvirt's options); a read-only overlay over snap2 stands above the commit's top.
    run('blockdev-add', { driver: 'file', 'node-name': 'of', filename: '/pool2/empty.qcow2', 'read-only': true });
    run('blockdev-add', { driver: 'qcow2', 'node-name': 'o', file: 'of', 'read-only': true, backing: 'n-snap2' });
    run('block-commit', {
      'job-id': 'j',
      device: 'o',
      'top-node': 'n-snap2',
      'base-node': 'n-snap1',
      'auto-finalize': false,
    });
    const job = w.qemu.get('vm1')!.jobs.get('j')!;
    job.status = 'pending'; // the commit ran to its end
    expect(refusal(() => run('job-finalize', { id: 'j' }))).toContain('QEMU exited');
    expect(w.violations.join('\n')).toContain('crashes (SIGSEGV)');
  });
});
