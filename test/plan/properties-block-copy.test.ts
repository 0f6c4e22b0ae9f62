import { expect, test } from 'vitest';
import { checkInvariants, RUNS } from './property-check.js';

test(`block-copy plans keep the invariants with a fault at every step (${RUNS} random cases)`, async () => {
  const { planned, faults } = await checkInvariants('block-copy');
  // Enough requests must survive validation for the property to mean something.
  expect(planned).toBeGreaterThan(RUNS / 10);
  expect(faults).toBeGreaterThan(planned);
});
