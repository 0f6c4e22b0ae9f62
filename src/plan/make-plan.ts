// Wraps planned steps into the versioned plan object every planner returns.
import type { Condition } from './conditions.js';
import type { IdSource } from './ids.js';
import { PLAN_VERSION, type Plan, type Step } from './plan-schema.js';
import type { PlanRequest } from './requests.js';

export interface PlanParts {
  request: PlanRequest;
  host: string;
  live: boolean;
  summary: string;
  steps: Step[];
  preconditions: Condition[];
  postconditions: Condition[];
  retry?: string;
}

export function makePlan(parts: PlanParts, ids: IdSource): Plan {
  return {
    version: PLAN_VERSION,
    id: ids('plan'),
    kind: parts.request.kind,
    request: parts.request,
    host: parts.host,
    live: parts.live,
    summary: parts.summary,
    preconditions: parts.preconditions,
    steps: parts.steps,
    postconditions: parts.postconditions,
    retry: parts.retry ?? 'nothing was changed that a re-run of the same request does not handle',
  } as Plan;
}
