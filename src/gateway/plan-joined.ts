// Plans a request (already checked by the route's schema) against the agents' joined inventory. The inventories are cached (inventory-cache.ts),
// so a name the cache does not know yet (a disk made a second ago) is asked for once more past every
// cache before the refusal stands: a preview never says "no such volume" about a volume that exists.
import { isVdiskError } from '../errors/vdisk-error.js';
import { planParsed } from '../plan/plan.js';
import type { Plan } from '../plan/plan-schema.js';
import type { PlanRequest } from '../plan/requests.js';
import type { GatewayDeps } from './deps.js';
import { type Joined, joinInventories } from './inventories.js';
import type { Who } from './inventory-cache.js';
import { randomIds } from './plan-ids.js';

const unknownName = (e: unknown) => isVdiskError(e) && String(e.code).startsWith('E_PLAN_UNKNOWN_');

export async function planJoined(
  deps: GatewayDeps,
  who: Who,
  request: PlanRequest,
): Promise<{ joined: Joined; plan?: Plan; error?: unknown }> {
  let joined = await joinInventories(deps, who);
  try {
    return { joined, plan: planParsed(request, joined.inventory, randomIds()) };
  } catch (e) {
    if (!unknownName(e)) return { joined, error: e };
  }
  await deps.inventories.refreshPastCaches(who);
  joined = await joinInventories(deps, who);
  try {
    return { joined, plan: planParsed(request, joined.inventory, randomIds()) };
  } catch (e) {
    return { joined, error: e };
  }
}
