// Invalid requests are refused with stable codes before any step is planned.
import { describe, expect, test } from 'vitest';
import { knownCodes } from '../../src/errors/codes.js';
import { world } from './fixtures.js';
import { plan, refused } from './helpers.js';

const off = world({ running: false });

describe('requests refused before planning', () => {
  test('cross-host requests get E_CROSS_HOST', () => {
    refused(() => plan({ kind: 'move', volume: 'snap2', toPool: 'far' }, off), 'E_CROSS_HOST');
    refused(() => plan({ kind: 'clone', volume: 'data', toPool: 'far', name: 'x.img' }, off), 'E_CROSS_HOST');
  });

  test('cross-host is refused for every plan kind: target pool, source layers or VM on another host', () => {
    refused(
      () => plan({ kind: 'block-copy', vm: 'vm1', disks: [{ disk: 'vda', path: '/far/c.qcow2', flags: 8 }] }, world()),
      'E_CROSS_HOST',
    );
    const farTop = (running = true) => {
      const w = world({ running, snapshots: true });
      Object.assign(w.volumes!.find((v) => v.id === 'snap2')!, { pool: 'far', path: '/far/snap2.qcow2' });
      return w;
    };
    refused(
      () =>
        plan({ kind: 'block-copy', vm: 'vm1', disks: [{ disk: 'vda', pool: 'p2', name: 'c', flags: 8 }] }, farTop()),
      'E_CROSS_HOST',
    );
    refused(() => plan({ kind: 'snapshot', vm: 'vm1', name: 'x' }, farTop()), 'E_CROSS_HOST');
    refused(() => plan({ kind: 'snapshot-delete', vm: 'vm1', snapshot: 's2' }, farTop()), 'E_CROSS_HOST');
    refused(() => plan({ kind: 'snapshot-delete', vm: 'vm1', snapshot: 's1' }, farTop(false)), 'E_CROSS_HOST');
    const farVm = world({ running: false });
    farVm.vms![0]!.host = 'h2';
    refused(() => plan({ kind: 'move', volume: 'snap2', toPool: 'p2' }, farVm), 'E_CROSS_HOST');
    refused(() => plan({ kind: 'clone', volume: 'snap2', toPool: 'p2', name: 'c' }, farVm), 'E_CROSS_HOST');
  });

  test('block-device pools are refused wherever a plan would read or write one', () => {
    const b = world();
    b.volumes!.find((v) => v.id === 'base')!.pool = 'lvm';
    refused(
      () => plan({ kind: 'block-copy', vm: 'vm1', disks: [{ disk: 'vda', pool: 'p2', name: 'c', flags: 8 }] }, b),
      'E_PLAN_BLOCK_POOL',
    );
    refused(() => plan({ kind: 'clone', volume: 'data', toPool: 'lvm', name: 'c' }, off), 'E_PLAN_BLOCK_POOL');
    const s = world({ snapshots: true });
    s.volumes!.find((v) => v.id === 'base')!.pool = 'lvm';
    refused(() => plan({ kind: 'snapshot-delete', vm: 'vm1', snapshot: 's1' }, s), 'E_PLAN_BLOCK_POOL');
  });

  test('unknown volumes, pools, VMs and disks', () => {
    refused(() => plan({ kind: 'move', volume: 'ghost', toPool: 'p2' }, off), 'E_PLAN_UNKNOWN_VOLUME');
    refused(() => plan({ kind: 'move', volume: 'data', toPool: 'ghost' }, off), 'E_PLAN_UNKNOWN_POOL');
    refused(() => plan({ kind: 'snapshot', vm: 'ghost', name: 'a' }, off), 'E_PLAN_UNKNOWN_VM');
    refused(
      () => plan({ kind: 'block-copy', vm: 'vm1', disks: [{ disk: 'vdz', pool: 'p2', name: 'c', flags: 8 }] }, world()),
      'E_PLAN_UNKNOWN_DISK',
    );
  });

  test('target pool too small, smaller clone, block pools, paths outside any pool', () => {
    refused(() => plan({ kind: 'move', volume: 'data', toPool: 'tiny' }, off), 'E_PLAN_POOL_TOO_SMALL');
    refused(
      () => plan({ kind: 'clone', volume: 'data', toPool: 'p2', name: 'c.img', capacity: 1 }, off),
      'E_PLAN_CLONE_SMALLER',
    );
    refused(() => plan({ kind: 'move', volume: 'data', toPool: 'lvm' }, off), 'E_PLAN_BLOCK_POOL');
    const copyTo = (path: string) => ({ kind: 'block-copy', vm: 'vm1', disks: [{ disk: 'vda', path, flags: 8 }] });
    refused(() => plan(copyTo('/etc/passwd'), world()), 'E_PLAN_PATH_OUTSIDE_POOL');
    refused(() => plan(copyTo('/pool2/../etc/x.qcow2'), world()), 'E_PLAN_PATH_OUTSIDE_POOL');
    refused(() => plan(copyTo('/dev/vg0/lv1'), world()), 'E_PLAN_BLOCK_POOL');
  });

  test('flags that make no sense, and block copies of a stopped VM', () => {
    const copy = (flags: number) => ({
      kind: 'block-copy',
      vm: 'vm1',
      disks: [{ disk: 'vda', pool: 'p2', name: 'c', flags }],
    });
    refused(() => plan(copy(1), world()), 'E_PLAN_FLAG_REQUIRES_COPY');
    refused(() => plan(copy(8 | 16), world()), 'E_PLAN_RELATIVE_WITH_COPY');
    refused(() => plan(copy(8 | 2 | 4), world()), 'E_PLAN_REUSE_RAW_MEANINGLESS');
    refused(() => plan(copy(8), off), 'E_PLAN_VM_NOT_RUNNING');
  });

  test('broken or looping chains, ILLEGAL volumes, duplicate disks', () => {
    const loop = world({ running: false });
    loop.volumes!.find((v) => v.id === 'base')!.backing = 'snap2';
    refused(() => plan({ kind: 'move', volume: 'snap2', toPool: 'p2' }, loop), 'E_PLAN_CHAIN_BROKEN');
    const illegal = world({ running: false });
    illegal.volumes!.find((v) => v.id === 'snap1')!.state = 'illegal';
    refused(() => plan({ kind: 'move', volume: 'snap2', toPool: 'p2' }, illegal), 'E_PLAN_ILLEGAL_VOLUME');
    refused(
      () => plan({ kind: 'snapshot', vm: 'vm1', name: 'a', disks: ['vda', 'vda'] }, world()),
      'E_PLAN_DUPLICATE_DISK',
    );
  });

  test('malformed requests and inventories', () => {
    refused(() => plan({ kind: 'teleport' }, off), 'E_PLAN_BAD_REQUEST');
    refused(
      () => plan({ kind: 'move', volume: 'data', toPool: 'p2' }, { pools: [{ id: 'x' }] } as never),
      'E_PLAN_BAD_INVENTORY',
    );
  });

  test('every code the planner throws is a known code with a message', () => {
    for (const code of [
      'E_CROSS_HOST',
      'E_PLAN_NON_LINEAR_CHAIN',
      'E_PLAN_PATH_OUTSIDE_POOL',
      'E_PLAN_PIVOT_BEFORE_READY',
    ]) {
      expect(knownCodes()).toContain(code);
    }
  });
});
