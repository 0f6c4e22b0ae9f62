// The agents' inventories joined into one, for GET /v1/inventory and for planning. Each agent serves
// its own hosts; the join remembers which agent answers for which host, so a plan (which touches
// exactly one host) can be sent to the right agent.
import { InventorySchema, type Inventory } from '../plan/inventory.js';
import type { AgentConfig } from './config.js';
import type { GatewayDeps } from './deps.js';
import { askAll } from './fan-out.js';

export interface AgentInventoryStatus { name: string; up: boolean; hosts: string[]; error?: { code: string; detail: string } }

export interface Joined {
  inventory: Inventory;
  agents: AgentInventoryStatus[];
  /** host id → the agent that serves it */
  owner: Map<string, AgentConfig>;
}

export async function joinInventories(deps: GatewayDeps, caller: string): Promise<Joined> {
  const answers = await askAll<unknown>(deps, { method: 'GET', path: '/v1/inventory', caller });
  const inventory: Inventory = { hosts: [], pools: [], volumes: [], vms: [], snapshots: [] };
  const agents: AgentInventoryStatus[] = [];
  const owner = new Map<string, AgentConfig>();
  for (const a of answers) {
    if (!a.up) { agents.push({ name: a.agent.name, up: false, hosts: [], error: a.error }); continue; }
    const parsed = InventorySchema.safeParse(a.json);
    if (!parsed.success) {
      const where = parsed.error.issues[0]!.path.join('.');
      agents.push({ name: a.agent.name, up: false, hosts: [], error: { code: 'E_GATEWAY_AGENT_BAD_REPLY', detail: `inventory does not match the schema at ${where}` } });
      continue;
    }
    const inv = parsed.data;
    for (const k of ['hosts', 'pools', 'volumes', 'vms', 'snapshots'] as const) (inventory[k] as unknown[]).push(...inv[k]);
    // An agent that names no host still serves the VMs and pools it lists.
    const hosts = new Set([...inv.hosts.map((h) => h.id), ...inv.pools.map((p) => p.host), ...inv.vms.map((v) => v.host)]);
    for (const h of hosts) if (!owner.has(h)) owner.set(h, a.agent);
    agents.push({ name: a.agent.name, up: true, hosts: [...hosts] });
  }
  return { inventory, agents, owner };
}
