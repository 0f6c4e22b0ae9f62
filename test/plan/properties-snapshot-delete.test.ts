import { expect, test } from 'vitest';
import { checkInvariants, RUNS } from './property-check.js';

test(`snapshot-delete plans keep the invariants with a fault at every step (${RUNS} random cases)`, async () => {
  const { planned, faults } = await checkInvariants('snapshot-delete');
  // Enough requests must survive validation for the property to mean something.
  expect(planned).toBeGreaterThan(RUNS / 10);
  expect(faults).toBeGreaterThan(planned);
});
