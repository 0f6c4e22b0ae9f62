// An inventory already checked against InventorySchema and frozen, so planners may skip parsing it
// again: an agent keeps one per inventory generation and plans against it many times. Frozen deep,
// so no caller can change it after it was checked (a change throws instead of going unseen).
import type { Inventory } from './inventory.js';

const trusted = new WeakSet<object>();

/** Marks a parsed inventory as checked; freezes it (every level) and returns it. */
export function trustInventory(inv: Inventory): Inventory {
  deepFreeze(inv);
  trusted.add(inv);
  return inv;
}

export function isTrusted(value: unknown): value is Inventory {
  return typeof value === 'object' && value !== null && trusted.has(value);
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}
