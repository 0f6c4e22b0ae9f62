import { expect, test } from 'vitest';
import { checkInvariants, RUNS } from './property-check.js';

test(`clone plans keep the invariants with a fault at every step (${RUNS} planned random cases)`, async () => {
  const c = await checkInvariants('clone');
  expect(c.planned).toBe(RUNS);
  expect(c.faults).toBeGreaterThan(2 * RUNS);
  expect(c.refused).toBeGreaterThan(0); // refusals were generated too, each with a known code
  expect(c.offline).toBe(RUNS); // a clone is offline only (a written top is refused)
});
