// The facts a plan is made from: every volume (with its backing chain and the ids of its children),
// pool and VM (with its disks' chains and its snapshots) the request reaches, as canonical JSON and a
// SHA-256 digest. An agent re-plans a submitted request and compares digests: equal facts mean the
// plan must come out byte for byte the same. Figures that drift by themselves (a running guest grows
// its allocation every second, a pool's free space moves with it) are not facts.
import { canonicalJson } from './canonical.js';
import type { Inventory, Pool, Snapshot, Vm, Volume } from './inventory.js';
import { childrenById, volumeById, volumesWithIds } from './inventory-index.js';
import type { PlanRequest } from './requests.js';
import { sha256Hex } from './sha256.js';

export const FACTS_PATTERN = /^sha256:[0-9a-f]{64}$/;

type VolumeFact = Omit<Volume, 'allocated'> & { children: string[] };
type PoolFact = Omit<Pool, 'free' | 'capacity'>;
export interface PlanFacts {
  volumes: VolumeFact[];
  pools: PoolFact[];
  vms: Vm[];
  snapshots: Snapshot[];
}

/** `sha256:` + hex of the canonical JSON of the request's facts in `inv`. */
export function factsDigest(request: PlanRequest, inv: Inventory): string {
  return `sha256:${sha256Hex(canonicalJson(planFacts(request, inv)))}`;
}

export function planFacts(request: PlanRequest, inv: Inventory): PlanFacts {
  const volumes = new Set<string>();
  const pools = new Set<string>();
  const vms = new Set<string>();
  const todo: ['volume' | 'vm', string][] = [];
  const seed = seeds(request, inv);
  for (const p of seed.pools) pools.add(p);
  for (const v of seed.volumes) todo.push(['volume', v]);
  for (const m of seed.vms) todo.push(['vm', m]);
  while (todo.length) {
    const [kind, id] = todo.pop()!;
    if (kind === 'vm') {
      if (vms.has(id)) continue;
      vms.add(id);
      const vm = inv.vms.find((m) => m.id === id);
      for (const d of vm?.disks ?? []) todo.push(['volume', d.volume]);
      for (const s of inv.snapshots) if (s.vm === id) for (const d of s.disks) todo.push(['volume', d.layer]);
      continue;
    }
    if (volumes.has(id)) continue;
    volumes.add(id);
    const v = volumeById(inv, id);
    if (!v) continue;
    pools.add(v.pool);
    if (v.backing !== null) todo.push(['volume', v.backing]);
    for (const m of inv.vms) if (m.disks.some((d) => chainIds(inv, d.volume).includes(id))) todo.push(['vm', m.id]);
  }
  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    volumes: volumesWithIds(inv, volumes)
      .map(({ allocated: _drifts, ...v }) => ({
        ...v,
        children: childrenById(inv, v.id)
          .map((c) => c.id)
          .sort(),
      }))
      .sort(byId),
    pools: inv.pools
      .filter((p) => pools.has(p.id))
      .map(({ free: _f, capacity: _c, ...p }) => p)
      .sort(byId),
    vms: inv.vms.filter((m) => vms.has(m.id)).sort(byId),
    snapshots: inv.snapshots.filter((s) => vms.has(s.vm)).sort(byId),
  };
}

/** What the request names directly; the walk above adds what those reach. */
function seeds(req: PlanRequest, inv: Inventory): { volumes: string[]; pools: string[]; vms: string[] } {
  switch (req.kind) {
    case 'move':
    case 'clone':
      return { volumes: [req.volume], pools: [req.toPool], vms: [] };
    case 'block-copy': {
      const paths = req.disks.flatMap((d) => (d.path ? [d.path] : []));
      return {
        volumes: inv.volumes.filter((v) => paths.includes(v.path)).map((v) => v.id),
        pools: [
          ...req.disks.flatMap((d) => (d.pool ? [d.pool] : [])),
          ...inv.pools
            .filter((p) => paths.some((x) => x.startsWith(`${p.root.replace(/\/+$/, '')}/`)))
            .map((p) => p.id),
        ],
        vms: [req.vm],
      };
    }
    case 'snapshot':
    case 'snapshot-delete':
      return { volumes: [], pools: [], vms: [req.vm] };
  }
}

/** Volume ids of a backing chain, top first; stops at a loop or a missing link (the planner refuses those). */
function chainIds(inv: Inventory, top: string): string[] {
  const out: string[] = [];
  for (let id: string | null = top; id !== null && !out.includes(id); ) {
    out.push(id);
    id = volumeById(inv, id)?.backing ?? null;
  }
  return out;
}
