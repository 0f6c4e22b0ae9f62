// Builds a simulated world from an inventory: a file per volume with a few blocks of data named
// after it, and for each running VM its block graph with the nodes the inventory lists (opened the way
// libvirt opens a running VM's chain).
import { cloneInventory } from '../apply-inventory-ops.js';
import type { Inventory, Volume } from '../inventory.js';
import { relativeBackingName } from '../paths.js';
import { BLOCKS, type SimQemu, type SimWorld } from './world.js';

/** Which positions a volume has written: varied by its index so chains overlap in useful ways. */
function defaultBlocks(v: Volume, index: number): Record<number, string> {
  const out: Record<number, string> = {};
  if (v.allocated === 0) return out; // an empty image reads as zeros
  for (let k = 0; k < BLOCKS; k++) if ((index + k) % 3 !== 1) out[k] = `${v.id}@${k}`;
  return out;
}

export function worldFromInventory(inv: Inventory, blocks = defaultBlocks): SimWorld {
  const w: SimWorld = { files: new Map(), inv: cloneInventory(inv), qemu: new Map(), qmpLog: [], violations: [] };
  inv.volumes.forEach((v, i) => {
    const backing = v.backing ? inv.volumes.find((b) => b.id === v.backing) : undefined;
    w.files.set(v.path, {
      format: v.format,
      size: v.virtualSize,
      blocks: blocks(v, i),
      backingName: backing ? (v.backingName ?? relativeBackingName(v.path, backing.path)) : null,
      backingFormat: backing?.format ?? null,
    });
  });
  for (const vm of inv.vms) {
    if (!vm.running) continue;
    const q: SimQemu = { nodes: new Map(), devices: new Map(), jobs: new Map() };
    for (const disk of vm.disks) {
      disk.nodes.forEach((n, i) => {
        const v = inv.volumes.find((x) => x.id === n.volume)!;
        // Opened as libvirt opens a chain: the file node auto-read-only, backing layers' format nodes read-only.
        q.nodes.set(n.fileNode, { driver: 'file', path: v.path, backing: null, readOnly: false, autoReadOnly: true });
        q.nodes.set(n.node, {
          driver: v.format,
          file: n.fileNode,
          backing: disk.nodes[i + 1]?.node ?? null,
          readOnly: i > 0,
          autoReadOnly: false,
        });
      });
      if (disk.nodes[0]) q.devices.set(disk.target, disk.nodes[0].node);
    }
    w.qemu.set(vm.id, q);
  }
  return w;
}
