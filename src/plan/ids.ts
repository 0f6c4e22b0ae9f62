// Plans never invent ids from a clock or randomness: the caller injects a source of fresh ids.
// QEMU node names must start with a letter and stay under 32 characters, so ids do too.

export type IdSource = (purpose: 'volume' | 'node' | 'job' | 'snapshot' | 'plan') => string;

/** Deterministic ids (`v1`, `n2`, `j3`...) for tests, the CLI and the simulator. */
export function counterIds(prefix = 'vd'): IdSource {
  let n = 0;
  return (purpose) => `${prefix}${purpose[0]}${++n}`;
}
