// A plan in plain words, from its steps and the inventory: what it creates, renames, switches,
// deletes and wipes (each volume as `pool:file`, with its size), the space it needs in each pool (the
// plan's own `pool-free` preconditions, so a reflink copy asks its headroom only), the bytes it
// copies, and each step with its undo. Pure: the preview and the confirmations read it.
import type { ActionCall } from '../../src/plan/actions.js';
import type { Condition } from '../../src/plan/conditions.js';
import type { Inventory, Volume } from '../../src/plan/inventory.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import { chainOf, fileName, volumeName } from '../names.js';

export interface FileAtStake {
  name: string;
  bytes?: number;
}
/** A file moved by rename(2) within one file system: the same data under a new name, nothing copied. */
export interface Renamed {
  from: string;
  to: string;
  pool: string;
  bytes?: number;
}
export interface PlanWords {
  created: FileAtStake[];
  renamed: Renamed[];
  switched: string[];
  deleted: FileAtStake[];
  wiped: FileAtStake[];
  /** Bytes needed free per pool id: the plan's `pool-free` checks, else what its copy steps write. */
  space: Record<string, number>;
  copyBytes: number;
  steps: { label: string; phase: string; undo: string[] }[];
  /** The plan moves the guest's disk to another file while it runs. */
  pivots: boolean;
}

type PoolFree = Extract<Condition, { check: 'pool-free' }>;

export function planWords(plan: Plan, inv: Inventory): PlanWords {
  const byPath = (p: string) => inv.volumes.find((v) => v.path === p);
  const pathName = (p: string): string => {
    const v = byPath(p);
    if (v) return volumeName(v);
    const pool = inv.pools.find((x) => p.startsWith(`${x.root.replace(/\/$/, '')}/`));
    return pool ? `${pool.id}:${p.slice(pool.root.replace(/\/$/, '').length + 1)}` : fileName(p);
  };
  const poolOf = (p: string) => inv.pools.find((x) => p.startsWith(`${x.root.replace(/\/$/, '')}/`))?.id;
  const volName = (id: string) => {
    const v = inv.volumes.find((x) => x.id === id);
    return v ? volumeName(v) : id;
  };
  const sizeOf = (chain: Volume[]) => chain.reduce((n, v) => n + v.allocated, 0);
  const w: PlanWords = {
    created: [],
    renamed: [],
    switched: [],
    deleted: [],
    wiped: [],
    space: {},
    copyBytes: 0,
    steps: [],
    pivots: false,
  };
  const need = (pool: string | undefined, n: number) => {
    if (pool) w.space[pool] = (w.space[pool] ?? 0) + n;
  };

  for (const s of plan.steps) {
    const c = s as ActionCall;
    switch (c.action) {
      case 'create-volume':
        w.created.push({ name: volumeName(c.params.volume), bytes: c.params.volume.virtualSize });
        break;
      case 'qmp-create-image':
        w.created.push({ name: pathName(c.params.path), bytes: c.params.size });
        break;
      case 'copy-data': {
        const chain = chainOf(inv, c.params.source);
        const n = sizeOf(c.params.depth === 'flatten' ? chain : chain.slice(0, 1));
        w.copyBytes += n;
        need(poolOf(c.params.targetPath), n);
        break;
      }
      case 'qmp-mirror': {
        const disk = inv.vms
          .find((v) => v.id === c.params.vm)
          ?.disks.find((d) => d.target === c.params.device || d.nodes.some((x) => x.node === c.params.device));
        const chain = disk ? chainOf(inv, disk.volume) : [];
        const n = sizeOf(c.params.sync === 'full' ? chain : chain.slice(0, 1));
        w.copyBytes += n;
        const target = plan.steps.find((x) => x.action === 'qmp-create-image' && x.params.node === c.params.target) as
          | Extract<ActionCall, { action: 'qmp-create-image' }>
          | undefined;
        need(target && poolOf(target.params.path), n);
        break;
      }
      case 'rename-volumes':
        for (const m of c.params.moves)
          w.renamed.push({
            from: pathName(m.fromPath),
            to: pathName(m.toPath),
            pool: m.pool,
            bytes: byPath(m.fromPath)?.allocated,
          });
        break;
      case 'qmp-pivot':
        w.pivots = true;
        w.switched.push(`VM ${c.params.vm}: its disk switches to the copy while it runs (pivot)`);
        break;
      case 'delete-file':
        (c.params.wipe ? w.wiped : w.deleted).push({
          name: pathName(c.params.path),
          bytes: byPath(c.params.path)?.allocated,
        });
        break;
      case 'delete-volume':
        if (s.phase !== 'prepare')
          w.deleted.push({
            name: volName(c.params.volume),
            bytes: inv.volumes.find((v) => v.id === c.params.volume)?.allocated,
          });
        break;
      case 'commit-offline':
      case 'qmp-commit':
        w.switched.push(
          `${'topPath' in c.params ? pathName(c.params.topPath) : c.params.top} is merged into the layer below it`,
        );
        break;
      case 'inventory-update':
        for (const op of c.params.ops) {
          if (op.op === 'adopt') w.switched.push(`${volName(op.volume)} now names the copy`);
          else if (op.op === 'set-disk') w.switched.push(`VM ${op.vm} disk ${op.disk} now uses ${volName(op.volume)}`);
          else if (op.op === 'remove-snapshots')
            w.deleted.push(...op.snapshots.map((id) => ({ name: `snapshot ${id}` })));
        }
        break;
      default:
        break;
    }
    w.steps.push({ label: s.label, phase: s.phase, undo: s.undo.map(undoWords(pathName, volName)) });
  }
  // The planner states the free space it asks (src/plan/pool-fs.ts roomForCopy): follow it. A plan
  // without such a check (a block copy validated against the pool's free bytes) keeps the copy bytes.
  const asked = plan.preconditions.filter((c): c is PoolFree => c.check === 'pool-free');
  if (asked.length) {
    w.space = {};
    for (const c of asked) w.space[c.pool] = (w.space[c.pool] ?? 0) + c.bytes;
  }
  return w;
}

const undoWords =
  (pathName: (p: string) => string, volName: (id: string) => string) =>
  (u: ActionCall): string => {
    switch (u.action) {
      case 'delete-volume':
        return `delete ${pathName(u.params.path)}`;
      case 'delete-file':
        return `${u.params.wipe ? 'wipe and delete' : 'delete'} ${pathName(u.params.path)}`;
      case 'qmp-job-cancel':
        return `cancel QEMU job ${u.params.job} on VM ${u.params.vm}`;
      case 'rename-volumes':
        return `rename back ${u.params.moves.map((m) => `${pathName(m.fromPath)} → ${pathName(m.toPath)}`).join(', ')}`;
      case 'qmp-close-image':
        return `close node ${u.params.node} on VM ${u.params.vm}`;
      case 'inventory-update':
        return `undo the inventory change (${u.params.ops.map((o) => (o.op === 'forget-volume' ? `forget ${volName(o.volume)}` : o.op)).join(', ')})`;
      default:
        return u.action.replace(/-/g, ' ');
    }
  };
