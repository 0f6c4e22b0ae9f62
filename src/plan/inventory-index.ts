// Volumes by id, by path and by backing, so planning against 10,000 volumes does not scan the list
// for every lookup. An index lives as long as it cannot go stale: for a trusted (frozen) inventory it
// is kept; for any other it exists only while planRequest runs (withIndex), since callers may change
// their inventory between plans. Without an index, lookups scan as before. First entry wins, as
// `find` does.
import type { Inventory, Volume } from './inventory.js';
import { isTrusted } from './trusted-inventory.js';

export interface InventoryIndex {
  byId: Map<string, Volume>;
  /** No two volumes share an id (else lookups by a set of ids fall back to a scan). */
  uniqueIds: boolean;
  byPath: Map<string, Volume>;
  children: Map<string, Volume[]>;
}

const kept = new WeakMap<Inventory, InventoryIndex>();
const scoped = new WeakMap<Inventory, InventoryIndex>();

export function indexOf(inv: Inventory): InventoryIndex | undefined {
  const s = scoped.get(inv) ?? kept.get(inv);
  if (s || !isTrusted(inv)) return s;
  const built = buildIndex(inv);
  kept.set(inv, built);
  return built;
}

/** Runs `fn` with `inv` indexed (kept for a trusted inventory, dropped afterwards for any other). */
export function withIndex<T>(inv: Inventory, fn: () => T): T {
  if (indexOf(inv)) return fn();
  scoped.set(inv, buildIndex(inv));
  try {
    return fn();
  } finally {
    scoped.delete(inv);
  }
}

function buildIndex(inv: Inventory): InventoryIndex {
  const byId = new Map<string, Volume>();
  const byPath = new Map<string, Volume>();
  const children = new Map<string, Volume[]>();
  let uniqueIds = true;
  for (const v of inv.volumes) {
    if (!byId.has(v.id)) byId.set(v.id, v);
    else uniqueIds = false;
    if (!byPath.has(v.path)) byPath.set(v.path, v);
    if (v.backing !== null) {
      const list = children.get(v.backing);
      if (list) list.push(v);
      else children.set(v.backing, [v]);
    }
  }
  return { byId, uniqueIds, byPath, children };
}

/** The first volume with this id (indexed when possible). */
export function volumeById(inv: Inventory, id: string): Volume | undefined {
  const ix = indexOf(inv);
  return ix ? ix.byId.get(id) : inv.volumes.find((x) => x.id === id);
}

export function volumeByPath(inv: Inventory, path: string): Volume | undefined {
  const ix = indexOf(inv);
  return ix ? ix.byPath.get(path) : inv.volumes.find((x) => x.path === path);
}

/** Volumes whose backing is `id`, in inventory order. */
export function childrenById(inv: Inventory, id: string): Volume[] {
  const ix = indexOf(inv);
  return ix ? [...(ix.children.get(id) ?? [])] : inv.volumes.filter((v) => v.backing === id);
}

/** Every volume whose id is in `ids`, in no particular order (callers sort). */
export function volumesWithIds(inv: Inventory, ids: ReadonlySet<string>): Volume[] {
  const ix = indexOf(inv);
  if (!ix?.uniqueIds) return inv.volumes.filter((v) => ids.has(v.id));
  const out: Volume[] = [];
  for (const id of ids) {
    const v = ix.byId.get(id);
    if (v) out.push(v);
  }
  return out;
}
