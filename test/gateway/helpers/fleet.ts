// Many agent-shaped upstreams at once, for fan-out tests and the load benches: agent `a<i>` serves
// host `h<i>` with two pools and `volumes` volumes (`v<i>-<j>`, raw and qcow2 alternating), so every
// preview can name a different volume and the planner has real choices. Deterministic: no random input.
import type { GatewayConfigInput } from '../../../src/gateway/config.js';
import type { InventoryInput } from '../../../src/plan/inventory.js';
import { startFakeAgent, type FakeAgent } from './fake-agent.js';
import { rand } from './setup.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export function agentInventory(i: number, volumes: number): InventoryInput {
  const host = `h${i}`;
  return {
    hosts: [{ id: host }],
    pools: [
      { id: `p${i}a`, host, root: `/pool${i}a`, capacity: 10_000 * GiB, free: 5000 * GiB },
      { id: `p${i}b`, host, root: `/pool${i}b`, capacity: 10_000 * GiB, free: 5000 * GiB },
    ],
    volumes: Array.from({ length: volumes }, (_, j) => {
      const qcow2 = j % 2 === 1;
      return {
        id: `v${i}-${j}`,
        pool: `p${i}a`,
        path: `/pool${i}a/v${j}.${qcow2 ? 'qcow2' : 'img'}`,
        format: qcow2 ? ('qcow2' as const) : ('raw' as const),
        virtualSize: GiB,
        allocated: ((j % 7) + 1) * MiB,
      };
    }),
    vms: [],
    snapshots: [],
  };
}

export interface Fleet {
  agents: FakeAgent[];
  config: GatewayConfigInput;
  tokens: { read: string; write: string };
  close(): Promise<void>;
}

export async function startFleet(opts: {
  agents: number;
  volumes: number;
  hung?: number[];
  etag?: boolean;
  config?: Partial<GatewayConfigInput>;
}): Promise<Fleet> {
  const agents = await Promise.all(
    Array.from({ length: opts.agents }, (_, i) =>
      startFakeAgent({
        name: `a${i}`,
        secret: `a${i}-${rand()}`,
        inventory: agentInventory(i, opts.volumes),
        etag: opts.etag ?? true,
        hang: opts.hung?.includes(i) ?? false,
      }),
    ),
  );
  const tokens = { read: `r${rand()}`, write: `w${rand()}` };
  return {
    agents,
    tokens,
    config: {
      agents: agents.map((a) => ({ name: a.name, url: a.url, secret: a.secret })),
      tokens: [
        { token: tokens.read, scope: 'read', name: 'reader' },
        { token: tokens.write, scope: 'write', name: 'writer' },
      ],
      ...opts.config,
    },
    close: async () => {
      await Promise.all(agents.map((a) => a.close()));
    },
  };
}
