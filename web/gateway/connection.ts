// The console's one gateway connection, shared by the Gateway, Jobs and detail views: the client and
// the latest inventory. Views subscribe and re-render when it changes (connect, refresh, log in again).
import type { GatewayClient, InventoryAnswer } from './client.js';

export interface Connection {
  gw: GatewayClient;
  inventory: InventoryAnswer;
}

let current: Connection | undefined;
const listeners = new Set<(c: Connection | undefined) => void>();

export const connection = {
  get: () => current,
  set(c: Connection | undefined): void {
    current = c;
    for (const l of [...listeners]) l(c);
  },
  /** Fresh inventory from the gateway, shared with every view. */
  async refresh(): Promise<void> {
    if (current) connection.set({ ...current, inventory: await current.gw.inventory() });
  },
  subscribe(l: (c: Connection | undefined) => void): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};

/** The agent that serves a volume's host. */
export function agentOfPool(ans: InventoryAnswer, poolId: string): string | undefined {
  const host = ans.inventory.pools.find((p) => p.id === poolId)?.host;
  return ans.agents.find((a) => host !== undefined && a.hosts.includes(host))?.name;
}
