// The agents' inventories joined into one, for GET /v1/inventory and for planning. Each agent serves
// its own hosts; the join remembers which agent answers for which host, so a plan (which touches
// exactly one host) can be sent to the right agent. Built from the cached snapshots
// (inventory-cache.ts) and rebuilt only when one of them changed.
import type { Inventory } from '../plan/inventory.js';
import { trustInventory } from '../plan/trusted-inventory.js';
import type { AgentConfig } from './config.js';
import type { GatewayDeps } from './deps.js';
import type { AgentError } from './fan-out.js';
import type { Snapshot, Who } from './inventory-cache.js';

export interface AgentInventoryStatus {
  name: string;
  up: boolean;
  hosts: string[];
  error?: AgentError;
  ageMs: number;
}

export interface Joined {
  inventory: Inventory;
  agents: AgentInventoryStatus[];
  /** host id → the agent that serves it */
  owner: Map<string, AgentConfig>;
}

type Built = Omit<Joined, 'agents'>;
const memo = new WeakMap<GatewayDeps, { key: string; built: Built }>();

function build(snaps: Snapshot[]): Built {
  const inventory: Inventory = { hosts: [], pools: [], volumes: [], vms: [], snapshots: [] };
  const owner = new Map<string, AgentConfig>();
  for (const s of snaps) {
    if (!s.up || !s.inventory) continue;
    for (const k of ['hosts', 'pools', 'volumes', 'vms', 'snapshots'] as const)
      (inventory[k] as unknown[]).push(...s.inventory[k]);
    for (const h of s.hosts) if (!owner.has(h)) owner.set(h, s.agent);
  }
  // Each snapshot was checked with InventorySchema when fetched; trusted (and frozen), the join keeps
  // its index of volumes between plans instead of rebuilding it for every preview.
  return { inventory: trustInventory(inventory), owner };
}

export async function joinInventories(deps: GatewayDeps, who: Who): Promise<Joined> {
  const snaps = await deps.inventories.all(who);
  const key = snaps.map((s) => s.version).join(',');
  let m = memo.get(deps);
  if (m?.key !== key) memo.set(deps, (m = { key, built: build(snaps) }));
  const now = deps.clock();
  const agents = snaps.map((s) => ({
    name: s.agent.name,
    up: s.up,
    hosts: s.hosts,
    ...(s.error && { error: s.error }),
    ageMs: Math.max(0, Math.round(now - s.at)),
  }));
  return { ...m.built, agents };
}
