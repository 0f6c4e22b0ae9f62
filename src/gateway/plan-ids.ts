// Fresh ids for plans made at the gateway. The planner takes ids from the caller (it has no
// randomness); a random prefix per plan keeps ids from two gateway copies apart without shared state.
// Random bytes are drawn 4 KiB at a time: one call into the system's generator per 512 plans, not per plan.
import { counterIds, type IdSource } from '../plan/ids.js';

const pool = new Uint8Array(4096);
let used = pool.length;

/** `g` + 8 base-36 characters: starts with a letter and leaves room under QEMU's 32-character names. */
export function randomIds(): IdSource {
  if (used + 8 > pool.length) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  let prefix = 'g';
  for (let k = 0; k < 8; k++) prefix += (pool[used++]! % 36).toString(36);
  return counterIds(prefix);
}
