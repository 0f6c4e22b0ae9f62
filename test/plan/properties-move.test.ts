import { expect, test } from 'vitest';
import { checkInvariants, RUNS } from './property-check.js';

test(`move plans keep the invariants with a fault at every step (${RUNS} planned random cases)`, async () => {
  const c = await checkInvariants('move');
  expect(c.planned).toBe(RUNS);
  expect(c.faults).toBeGreaterThan(2 * RUNS);
  expect(c.refused).toBeGreaterThan(0); // refusals were generated too, each with a known code
  // Both variants are exercised: a running VM makes the live plan, a stopped one the offline plan.
  expect(c.live).toBeGreaterThan(RUNS / 5);
  expect(c.offline).toBeGreaterThan(RUNS / 5);
  // Offline moves within one file system rename (faulted like every step), the others still copy.
  expect(c.actions.get('rename-volumes') ?? 0).toBeGreaterThan(RUNS / 20);
  expect(c.actions.get('copy-data') ?? 0).toBeGreaterThan(RUNS / 20);
});
