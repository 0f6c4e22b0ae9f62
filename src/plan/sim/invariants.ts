// The invariants every plan must keep, checked by the simulator after every step and at the end:
// the guest's data is always whole in an image the inventory or the running VM points to, nothing
// unknown is left behind except reported orphans, and (via the job tables) no pivot before ready.
import type { Inventory } from '../inventory.js';
import type { RunReport } from '../execute.js';
import { fileChain, nodeChain, sameView, viewOfFiles, type View } from './view.js';
import type { SimWorld } from './world.js';

export interface Root {
  kind: 'disk' | 'volume';
  vm?: string;
  disk?: string;
  volume?: string;
  view: View;
}

/** What must survive: every VM disk, and every unattached top volume the plan does not overwrite. */
export function rootsOf(w: SimWorld, overwritten: string[]): Root[] {
  const inv = w.inv;
  const roots: Root[] = [];
  for (const vm of inv.vms)
    for (const d of vm.disks) {
      const v = volumePath(inv, d.volume);
      const chain = v ? fileChain(w, v) : null;
      if (chain) roots.push({ kind: 'disk', vm: vm.id, disk: d.target, view: viewOfFiles(w, chain) });
    }
  const attached = new Set(inv.vms.flatMap((vm) => vm.disks.map((d) => d.volume)));
  for (const v of inv.volumes) {
    // An ILLEGAL volume is a half-made copy: nothing the guest needs lives only there.
    if (
      v.state !== 'ok' ||
      attached.has(v.id) ||
      overwritten.includes(v.id) ||
      inv.volumes.some((x) => x.backing === v.id)
    )
      continue;
    const chain = fileChain(w, v.path);
    if (chain) roots.push({ kind: 'volume', volume: v.id, view: viewOfFiles(w, chain) });
  }
  return roots;
}

/** Returns a description of the first root whose data cannot be found whole, or null. */
export function lostData(w: SimWorld, roots: Root[]): string | null {
  for (const r of roots) {
    const top =
      r.kind === 'disk'
        ? w.inv.vms.find((m) => m.id === r.vm)?.disks.find((d) => d.target === r.disk)?.volume
        : r.volume;
    if (top && inventorySees(w, top, r.view)) continue;
    if (r.kind === 'disk') {
      const q = w.qemu.get(r.vm!);
      const root = q?.devices.get(r.disk!);
      const chain = q && root ? nodeChain(w, q, root) : null;
      if (chain && sameView(viewOfFiles(w, chain), r.view)) continue;
    }
    return `guest data of ${r.kind} ${r.vm ?? ''}${r.disk ?? r.volume} is not whole in any image the inventory or QEMU points to`;
  }
  return null;
}

function inventorySees(w: SimWorld, volumeId: string, view: View): boolean {
  const path = volumePath(w.inv, volumeId);
  const chain = path ? fileChain(w, path) : null;
  if (!chain) return false;
  const legal = chain.every((p) => w.inv.volumes.some((v) => v.path === p && v.state === 'ok'));
  return legal && sameView(viewOfFiles(w, chain), view);
}

const volumePath = (inv: Inventory, id: string): string | undefined => inv.volumes.find((v) => v.id === id)?.path;

/** End-of-run checks; returns every problem found. */
export function endProblems(w: SimWorld, report: RunReport): string[] {
  const problems: string[] = [];
  const orphanPaths = new Set(report.orphans.flatMap((o) => (o.path ? [o.path] : [])));
  const known = new Set(w.inv.volumes.map((v) => v.path));
  for (const path of w.files.keys()) {
    if (!known.has(path) && !orphanPaths.has(path)) problems.push(`unknown file ${path} left behind`);
  }
  for (const v of w.inv.volumes)
    if (!w.files.has(v.path)) problems.push(`inventory names ${v.path}, which does not exist`);
  const orphanNodes = new Set(
    report.orphans.flatMap((o) => (o.cleanup.action === 'qmp-close-image' ? [o.cleanup.params.node] : [])),
  );
  if (report.outcome === 'done' || report.outcome === 'rolled-back') {
    for (const vm of w.inv.vms) {
      const q = w.qemu.get(vm.id);
      if (!q) continue;
      if (q.jobs.size) problems.push(`${vm.id}: jobs left: ${[...q.jobs.keys()].join(', ')}`);
      const listed = new Set(vm.disks.flatMap((d) => d.nodes.flatMap((n) => [n.node, n.fileNode])));
      for (const [name, n] of q.nodes) {
        const owner = n.driver === 'file' ? [...q.nodes].find(([, x]) => x.file === name)?.[0] : name;
        if (!listed.has(name) && !(owner && orphanNodes.has(owner)) && !orphanNodes.has(name))
          problems.push(`${vm.id}: node ${name} left open`);
      }
      for (const d of vm.disks) {
        const root = q.devices.get(d.target);
        if (root !== d.nodes[0]?.node)
          problems.push(`${vm.id}/${d.target}: QEMU uses ${root}, inventory says ${d.nodes[0]?.node}`);
      }
    }
  }
  return problems;
}
