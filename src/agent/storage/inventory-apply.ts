// An inventory-update step: the plan's ops applied to the agent's records, once. The marker (job and
// call) is stored with the result in the same atomic write, so a replay after a crash is a no-op.
// The records changed, so the cached inventory is invalidated: the next read sees the job's result
// without waiting for the TTL.
import type { InventoryOp } from '../../plan/inventory-ops.js';
import type { AgentContext } from '../context.js';
import { buildUnlocked } from './inventory.js';

export function applyOps(ctx: AgentContext, ops: InventoryOp[], marker: string): Promise<void> {
  return ctx.storeLock.run(async () => {
    if (ctx.store.data.applied.includes(marker)) return;
    const built = await buildUnlocked(ctx);
    // The store holds records the scan cannot see yet (registered before their file exists).
    try {
      ctx.store.apply({ ...built.inventory, volumes: ctx.store.data.volumes }, ops, marker);
    } finally {
      ctx.inventory.invalidate();
    }
  });
}
