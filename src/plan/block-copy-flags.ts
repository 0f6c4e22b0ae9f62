// libvirt virDomainBlockRebase flags for a block copy (seed 001), all 32 combinations as data.
// Each row is either the shape of plan it makes or the stable code it is refused with. Differences
// from the 2012 design: REUSE_EXT never probes (the caller states the target format and the
// target's metadata is checked), so a raw shallow REUSE_EXT target, which cannot name a backing,
// is refused; RELATIVE with COPY is refused as libvirt does.
import type { CopyFlags } from './requests.js';

export const FLAG_BITS = { shallow: 1, reuseExt: 2, copyRaw: 4, copy: 8, relative: 16 } as const;

export interface CopyShape {
  /** blockdev-mirror sync mode: full flattens the chain, top copies only the active layer. */
  sync: 'full' | 'top';
  /** create a new target through QEMU, or reuse an existing one (checked, never probed). */
  target: 'create' | 'reuse';
  /** format of the target: same as the source's top, raw, or as stated by the caller. */
  format: 'source' | 'raw' | 'stated';
  /** a reused target must read as zeros (full) or name the source's backing (shallow). */
  check: 'none' | 'zeros' | 'backing';
  /** SHALLOW|COPY_RAW is only valid when the source itself is raw. */
  needsRawSource: boolean;
}

export type FlagRow = { flags: number; error: string } | { flags: number; shape: CopyShape };

const C = 8,
  S = 1,
  R = 2,
  W = 4,
  L = 16; // COPY, SHALLOW, REUSE_EXT, COPY_RAW (W = raw), RELATIVE
const create = (sync: 'full' | 'top', format: 'source' | 'raw', needsRawSource = false): CopyShape => ({
  sync,
  target: 'create',
  format,
  check: 'none',
  needsRawSource,
});
const reuse = (sync: 'full' | 'top'): CopyShape => ({
  sync,
  target: 'reuse',
  format: 'stated',
  check: sync === 'full' ? 'zeros' : 'backing',
  needsRawSource: false,
});

export const BLOCK_COPY_FLAG_TABLE: readonly FlagRow[] = [
  { flags: 0, error: 'E_PLAN_NOT_A_COPY' },
  { flags: S, error: 'E_PLAN_FLAG_REQUIRES_COPY' },
  { flags: R, error: 'E_PLAN_FLAG_REQUIRES_COPY' },
  { flags: S | R, error: 'E_PLAN_FLAG_REQUIRES_COPY' },
  { flags: W, error: 'E_PLAN_FLAG_REQUIRES_COPY' },
  { flags: S | W, error: 'E_PLAN_FLAG_REQUIRES_COPY' },
  { flags: R | W, error: 'E_PLAN_FLAG_REQUIRES_COPY' },
  { flags: S | R | W, error: 'E_PLAN_FLAG_REQUIRES_COPY' },
  { flags: C, shape: create('full', 'source') },
  { flags: C | S, shape: create('top', 'source') },
  { flags: C | R, shape: reuse('full') },
  { flags: C | S | R, shape: reuse('top') },
  { flags: C | W, shape: create('full', 'raw') },
  { flags: C | S | W, shape: create('top', 'raw', true) },
  { flags: C | R | W, error: 'E_PLAN_REUSE_RAW_MEANINGLESS' },
  { flags: C | S | R | W, error: 'E_PLAN_REUSE_SHALLOW_RAW' },
  { flags: L, error: 'E_PLAN_NOT_A_COPY' },
  { flags: L | S, error: 'E_PLAN_FLAG_REQUIRES_COPY' },
  { flags: L | R, error: 'E_PLAN_FLAG_REQUIRES_COPY' },
  { flags: L | S | R, error: 'E_PLAN_FLAG_REQUIRES_COPY' },
  { flags: L | W, error: 'E_PLAN_FLAG_REQUIRES_COPY' },
  { flags: L | S | W, error: 'E_PLAN_FLAG_REQUIRES_COPY' },
  { flags: L | R | W, error: 'E_PLAN_FLAG_REQUIRES_COPY' },
  { flags: L | S | R | W, error: 'E_PLAN_FLAG_REQUIRES_COPY' },
  { flags: L | C, error: 'E_PLAN_RELATIVE_WITH_COPY' },
  { flags: L | C | S, error: 'E_PLAN_RELATIVE_WITH_COPY' },
  { flags: L | C | R, error: 'E_PLAN_RELATIVE_WITH_COPY' },
  { flags: L | C | S | R, error: 'E_PLAN_RELATIVE_WITH_COPY' },
  { flags: L | C | W, error: 'E_PLAN_RELATIVE_WITH_COPY' },
  { flags: L | C | S | W, error: 'E_PLAN_RELATIVE_WITH_COPY' },
  { flags: L | C | R | W, error: 'E_PLAN_RELATIVE_WITH_COPY' },
  { flags: L | C | S | R | W, error: 'E_PLAN_RELATIVE_WITH_COPY' },
];

export function flagsToNumber(f: CopyFlags | number): number {
  if (typeof f === 'number') return f;
  return (Object.keys(FLAG_BITS) as (keyof typeof FLAG_BITS)[]).reduce((n, k) => (f[k] ? n | FLAG_BITS[k] : n), 0);
}

export function flagRow(flags: number): FlagRow {
  const row = BLOCK_COPY_FLAG_TABLE.find((r) => r.flags === flags);
  if (!row) throw new RangeError(`flags ${flags} outside 0..31`);
  return row;
}
