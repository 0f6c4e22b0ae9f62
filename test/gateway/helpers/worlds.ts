// Two hosts, each served by its own agent: alpha (h1, two pools, a raw volume and a qcow2 one) and
// beta (h2, one pool). Small enough to read, valid for the planner.
import type { InventoryInput } from '../../../src/plan/inventory.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const alphaInventory: InventoryInput = {
  hosts: [{ id: 'h1' }],
  pools: [
    { id: 'p1', host: 'h1', root: '/pool1', capacity: 100 * GiB, free: 50 * GiB },
    { id: 'p2', host: 'h1', root: '/pool2', capacity: 100 * GiB, free: 50 * GiB },
  ],
  volumes: [
    { id: 'data', pool: 'p1', path: '/pool1/data.img', format: 'raw', virtualSize: GiB, allocated: 300 * MiB },
    { id: 'disk', pool: 'p1', path: '/pool1/disk.qcow2', format: 'qcow2', virtualSize: GiB, allocated: 10 * MiB },
  ],
  vms: [],
  snapshots: [],
};

export const betaInventory: InventoryInput = {
  hosts: [{ id: 'h2' }],
  pools: [{ id: 'far', host: 'h2', root: '/far', capacity: 100 * GiB, free: 50 * GiB }],
  volumes: [{ id: 'remote', pool: 'far', path: '/far/remote.img', format: 'raw', virtualSize: GiB, allocated: MiB }],
};

export const moveRequest = { kind: 'move', volume: 'data', toPool: 'p2' } as const;
export const betaMoveRequest = { kind: 'clone', volume: 'remote', toPool: 'far', name: 'copy.img' } as const;
