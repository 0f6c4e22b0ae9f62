// Write-side exports: the zero scan over a buffer the host filled (see write/zero.ts).
import { ZRUNS, nZeroRuns, zeroFirst, zeroScan as scan, allZero } from '../write/zero';

export function zeroScan(ptr: usize, len: u32, gran: u32, first: u32): i32 { return scan(ptr, len, gran, first); }
export function zeroRunsPtr(): usize { return ZRUNS; }
export function zeroRunsFirstIsZero(): i32 { return zeroFirst; }
export function zeroRunCount(): i32 { return nZeroRuns; }
export function isZero(ptr: usize, len: u32): i32 { return allZero(ptr, len) ? 1 : 0; }
