import { expect, test } from 'vitest';
import { checkInvariants, RUNS } from './property-check.js';

test(`block-copy plans keep the invariants with a fault at every step (${RUNS} planned random cases)`, async () => {
  const c = await checkInvariants('block-copy');
  expect(c.planned).toBe(RUNS);
  expect(c.faults).toBeGreaterThan(2 * RUNS);
  expect(c.refused).toBeGreaterThan(0); // refusals were generated too, each with a known code
  expect(c.live).toBe(RUNS); // a block copy is live only (a stopped VM is refused)
});
