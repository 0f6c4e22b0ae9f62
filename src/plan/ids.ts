// Plans never invent ids from a clock or randomness: the caller injects a source of fresh ids.
// QEMU node names must start with a letter and stay under 32 characters, so ids do too.

export type IdSource = (purpose: 'volume' | 'node' | 'job' | 'snapshot' | 'plan') => string;

/** Deterministic ids (`v1`, `n2`, `j3`...) for tests, the CLI and the simulator. */
export function counterIds(prefix = 'vd'): IdSource {
  let n = 0;
  return (purpose) => `${prefix}${purpose[0]}${++n}`;
}

/**
 * The counterIds prefix a plan's id was made with (`gk3x9p7` → `gk3x9`): the last `p` followed by
 * digits is the counter, so the answer is unambiguous. A prefix is a lower-case letter and up to 15
 * letters or digits (QEMU node names stay short and plain); anything else is undefined.
 */
export function idPrefixOf(planId: string): string | undefined {
  return /^([a-z][a-z0-9]{0,15})p[1-9][0-9]*$/.exec(planId)?.[1];
}
