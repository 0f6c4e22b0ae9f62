// Choosing an operation and its arguments from the inventory: move, clone, copy and pivot, delete
// snapshot, atomic snapshot. Live operations need a running VM; when there is none the form says why.
import { h, fill, field } from '../dom.js';
import type { Inventory } from '../../src/plan/inventory.js';
import { nameOf, volumeName } from '../names.js';
import { bytes } from '../format.js';
import type { PlanRequestInput } from '../../src/plan/requests.js';

export const OPERATIONS = [
  { kind: 'move', label: 'Move a volume to another pool', live: false },
  { kind: 'clone', label: 'Clone a volume', live: false },
  { kind: 'block-copy', label: 'Copy a running disk and pivot to the copy', live: true },
  { kind: 'snapshot-delete', label: 'Delete a snapshot (commit it)', live: true },
  { kind: 'snapshot', label: 'Take an atomic snapshot of all disks', live: true },
] as const;

type Kind = (typeof OPERATIONS)[number]['kind'];

const select = (id: string, options: [string, string][]) =>
  h('select', { id }, ...options.map(([v, t]) => h('option', { value: v }, t)));

export interface OperationForm {
  el: HTMLElement;
  request(): PlanRequestInput;
}

export function operationForm(inv: Inventory, liveReason: string | undefined): OperationForm {
  const running = inv.vms.filter((v) => v.running);
  const op = select(
    'op-kind',
    OPERATIONS.map((o) => [o.kind, o.label]),
  );
  const args = h('div', { id: 'op-args' });
  const note = h('p', { id: 'op-note', class: 'muted' });
  const volumes = () =>
    select(
      'op-volume',
      inv.volumes.map((v) => [v.id, `${volumeName(v)} (${v.format})`]),
    );
  const pools = (exclude?: string) =>
    select(
      'op-pool',
      inv.pools.filter((p) => p.id !== exclude).map((p) => [p.id, `${p.id} (${bytes(p.free)} free)`]),
    );
  const vms = () =>
    select(
      'op-vm',
      running.map((v) => [v.id, v.id]),
    );
  const text = (id: string, value: string) => h('input', { id, type: 'text', value, required: true });
  const val = (id: string) => (document.getElementById(id) as HTMLInputElement | HTMLSelectElement | null)?.value ?? '';

  const render = () => {
    const kind = op.value as Kind;
    const live = OPERATIONS.find((o) => o.kind === kind)!.live;
    fill(note, live && !running.length ? `Unavailable here: ${liveReason ?? 'no VM is running on any agent.'}` : '');
    if (kind === 'move')
      fill(
        args,
        field('Volume', volumes()),
        field('To pool', pools()),
        // Within one file system the planner renames (no data copied); a copy is what a wipe of the
        // old blocks or a move onto other disks under the same mount needs.
        field(
          'Method',
          select('op-method', [
            ['auto', 'Rename when both pools share a file system'],
            ['copy', 'Copy, verify, then delete the source'],
          ]),
        ),
      );
    else if (kind === 'clone')
      fill(
        args,
        field('Volume', volumes()),
        field('Into pool', pools()),
        field('New file name', text('op-name', 'clone.qcow2')),
      );
    else if (kind === 'block-copy') {
      const disks = select(
        'op-disk',
        running.flatMap((v) =>
          v.disks.map((d) => [d.target, `${v.id}: ${d.target} (${nameOf(inv, d.volume)})`] as [string, string]),
        ),
      );
      fill(
        args,
        field('VM', vms()),
        field('Disk', disks),
        field('Copy into pool', pools()),
        field('New file name', text('op-name', 'copy.qcow2')),
      );
    } else if (kind === 'snapshot-delete') {
      const snaps = select(
        'op-snapshot',
        inv.snapshots.map((s) => [s.id, `${s.vm}: ${s.id}`]),
      );
      fill(args, field('VM', vms()), field('Snapshot', snaps));
    } else
      fill(
        args,
        field('VM', vms()),
        field('Snapshot name', text('op-name', `snap-${new Date().toISOString().slice(0, 10)}`)),
      );
  };
  op.addEventListener('change', render);
  render();

  return {
    el: h('div', {}, field('Operation', op), args, note),
    request(): PlanRequestInput {
      switch (op.value as Kind) {
        case 'move':
          return {
            kind: 'move',
            volume: val('op-volume'),
            toPool: val('op-pool'),
            ...(val('op-method') === 'copy' ? { method: 'copy' as const } : {}),
          };
        case 'clone':
          return { kind: 'clone', volume: val('op-volume'), toPool: val('op-pool'), name: val('op-name') };
        case 'block-copy':
          return {
            kind: 'block-copy',
            vm: val('op-vm'),
            disks: [{ disk: val('op-disk'), pool: val('op-pool'), name: val('op-name'), flags: { copy: true } }],
          };
        case 'snapshot-delete':
          return { kind: 'snapshot-delete', vm: val('op-vm'), snapshot: val('op-snapshot') };
        case 'snapshot':
          return { kind: 'snapshot', vm: val('op-vm'), name: val('op-name') };
      }
    },
  };
}
