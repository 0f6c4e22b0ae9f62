// Fresh ids for plans made at the gateway. The planner takes ids from the caller (it has no
// randomness); a random prefix per plan keeps ids from two gateway copies apart without shared state.
import { counterIds, type IdSource } from '../plan/ids.js';

/** `g` + 8 base-36 characters: starts with a letter and leaves room under QEMU's 32-character names. */
export function randomIds(): IdSource {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return counterIds(`g${[...bytes].map((b) => (b % 36).toString(36)).join('')}`);
}
