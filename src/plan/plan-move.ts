// Move as copy and delete (seed 000): copy to the target pool (ILLEGAL until verified), flush,
// verify, switch the inventory, then delete the source in separate cleanup steps that never hold
// up the moved disk. Offline here; the live variant (running VM) is in plan-move-live.ts.
import { StepList } from './builder.js';
import type { Condition } from './conditions.js';
import type { IdSource } from './ids.js';
import type { Inventory, Volume } from './inventory.js';
import type { InventoryOp } from './inventory-ops.js';
import { makePlan } from './make-plan.js';
import { addOfflineCopy } from './offline-copy.js';
import type { Plan } from './plan-schema.js';
import { planLiveMove } from './plan-move-live.js';
import { addRenameMove } from './plan-move-rename.js';
import type { MoveRequest } from './requests.js';
import { checkMove, type MoveFacts } from './validate-move.js';

export function planMove(req: MoveRequest, inv: Inventory, ids: IdSource): Plan {
  const facts = checkMove(req, inv, ids);
  const list = new StepList();
  if (facts.live) planLiveMove(list, facts, ids);
  else if (facts.rename) addRenameMove(list, facts);
  else planOfflineMove(list, facts);
  return makePlan(
    {
      request: req,
      host: facts.host,
      live: facts.live,
      steps: list.steps,
      summary:
        `move ${facts.volume.id} (${facts.volume.path}) to pool ${facts.pool.id}, ${req.shape}` +
        `${facts.live ? `, live on VM ${facts.vm!.id}` : ''}` +
        (facts.rename
          ? ', by rename (same file system)'
          : `, verify ${facts.verify}${req.wipeSource ? ', wipe source' : ''}`),
      preconditions: movePreconditions(facts),
      postconditions: [
        { check: 'volume-path', volume: facts.volume.id, path: facts.copies.at(-1)!.target.path },
        ...facts.deleted.map((v): Condition => ({ check: 'file-absent', path: v.path })),
      ],
      retry: facts.rename
        ? 'a failed rename moved nothing: re-run the same request'
        : 'a failed source delete leaves a reported orphan: re-run its delete-file step',
    },
    ids,
  );
}

function planOfflineMove(list: StepList, f: MoveFacts): void {
  const copies = f.copies;
  for (const c of copies) addOfflineCopy(list, c, f.verify);
  const commit = list.add(
    { action: 'inventory-update', params: { ops: switchOps(f) } },
    {
      label: `switch the inventory to the copy in pool ${f.pool.id}`,
      phase: 'commit',
    },
  );
  addSourceDeletes(list, f, [commit]);
}

/** The moved volumes keep their ids and take over their copies' locations; old lower layers go. */
export function switchOps(f: MoveFacts): InventoryOp[] {
  const ops: InventoryOp[] = f.copies.map((c, i) => ({
    op: 'adopt',
    volume: c.source.id,
    from: c.target.id,
    backing: f.keepChain ? (f.copies[i - 1]?.source.id ?? null) : null,
  }));
  if (!f.keepChain) for (const v of f.deleted.slice(1)) ops.push({ op: 'forget-volume', volume: v.id });
  return ops;
}

/** Cleanup deletes: each independent, each only after the switch, none touching the inventory. */
export function addSourceDeletes(list: StepList, f: MoveFacts, after: string[]): void {
  for (const v of f.deleted) {
    list.add(
      { action: 'delete-file', params: { path: v.path, pool: v.pool, wipe: f.wipe } },
      {
        label: f.wipe
          ? `wipe (zero every allocated byte, flush) and delete the old ${v.path}; on a copy-on-write file system (btrfs, XFS with reflink) blocks shared with other files are not erased`
          : `delete the old ${v.path}`,
        phase: 'cleanup',
        afterOnly: after,
      },
    );
  }
}

function movePreconditions(f: MoveFacts): Condition[] {
  const pre: Condition[] = f.chain.map((v: Volume) => ({ check: 'volume-state', volume: v.id, state: 'ok' }));
  if (!f.rename) pre.push({ check: 'pool-free', pool: f.pool.id, bytes: f.room });
  for (const c of f.copies) pre.push({ check: 'file-absent', path: c.target.path });
  if (f.vm) pre.push({ check: 'vm-running', vm: f.vm.id, running: f.live });
  return pre;
}
