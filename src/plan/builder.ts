// Assembles a plan's steps: ids in order, each step after the previous one of its unit unless told
// otherwise, weights from the trait table unless the step moves data.
import { ACTION_TRAITS } from './action-traits.js';
import type { ActionCall } from './actions.js';
import type { Phase, Step } from './plan-schema.js';

export interface StepOptions {
  label: string;
  unit?: string;
  phase?: Phase;
  /** Extra dependencies besides the previous step of the same unit. */
  after?: string[];
  /** Replace the default dependency (previous step of the unit) entirely. */
  afterOnly?: string[];
  undo?: ActionCall[];
  weight?: number;
}

export class StepList {
  readonly steps: Step[] = [];
  private readonly lastOfUnit = new Map<string, string>();

  add(call: ActionCall, o: StepOptions): string {
    const unit = o.unit ?? 'all';
    const id = `s${this.steps.length + 1}`;
    const previous = this.lastOfUnit.get(unit);
    const after = o.afterOnly ?? [...(previous ? [previous] : []), ...(o.after ?? [])];
    this.steps.push({
      ...call,
      id,
      label: o.label,
      unit,
      phase: o.phase ?? 'prepare',
      after: [...new Set(after)],
      undo: o.undo ?? [],
      weight: o.weight ?? ACTION_TRAITS[call.action].weight,
    } as Step);
    this.lastOfUnit.set(unit, id);
    return id;
  }

  last(unit = 'all'): string | undefined {
    return this.lastOfUnit.get(unit);
  }
}
