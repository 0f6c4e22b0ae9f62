// Shortcuts for planner tests: plan a request against a fixture world and simulate it.
import { expect } from 'vitest';
import { counterIds } from '../../src/plan/ids.js';
import type { InventoryInput } from '../../src/plan/inventory.js';
import { parseInventory, planRequest } from '../../src/plan/plan.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import { simulatePlan, type Fault } from '../../src/plan/sim/simulate.js';
import { viewOfPath } from '../../src/plan/sim/view.js';
import type { SimWorld } from '../../src/plan/sim/world.js';

export function plan(req: unknown, w: InventoryInput): Plan {
  return planRequest(req, w, counterIds());
}

export const actions = (p: Plan): string[] => p.steps.map((s) => s.action);
export const phases = (p: Plan): string[] => p.steps.map((s) => `${s.action}:${s.phase}`);

export async function sim(p: Plan, w: InventoryInput, fault?: Fault) {
  return simulatePlan(p, parseInventory(w), fault ? { fault } : {});
}

export const qmpNames = (r: { qmp: { execute: string }[] }): string[] => r.qmp.map((c) => c.execute);

export function stepOf(p: Plan, action: string, nth = 0): string {
  const s = p.steps.filter((x) => x.action === action)[nth];
  if (!s) throw new Error(`no ${action} #${nth} in plan`);
  return s.id;
}

/** Guest-visible data of a VM disk per the inventory, read through the files. */
export function diskView(w: SimWorld, vm: string, disk: string): string[] | null {
  const id = w.inv.vms.find((m) => m.id === vm)!.disks.find((d) => d.target === disk)!.volume;
  return viewOfPath(w, w.inv.volumes.find((v) => v.id === id)!.path);
}

export function volumeView(w: SimWorld, id: string): string[] | null {
  const v = w.inv.volumes.find((x) => x.id === id);
  return v ? viewOfPath(w, v.path) : null;
}

export function refused(fn: () => unknown, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${code}`).toBeDefined();
  expect((caught as { code?: string }).code).toBe(code);
}
