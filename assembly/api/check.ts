// Consistency check exports (see qcow2/check/): checkRun(slot) until OK (NEED_IO in between), then
// checkValue(key): 0 check-errors, 1 corruptions, 2 leaks, 3 image-end-offset, 4 total-clusters,
// 5 allocated-clusters, 6 fragmented-clusters, 7 compressed-clusters (8.. for repairs, run.ts);
// checkExtra(i, field) the clusters past the end of the file; checkEnd() frees the arrays.
import { clearError } from '../errors';
import { checkRun as run, checkValue as value, checkEnd as end } from '../qcow2/check/run';
import { eventAt, extraAt, nEvents, zeroFixAt } from '../qcow2/check/state';

export function checkRun(slot: i32): i32 { clearError(); return run(slot); }
export function checkValue(key: i32): f64 { return value(key); }
export function checkEnd(): void { end(); }
export function checkExtra(i: i32, field: i32): f64 { return <f64>extraAt(i, field); }
/** File offset of the i-th L2 entry `check -r all` rewrites as a plain zero cluster (key 15 of them). */
export function checkZeroFix(i: i32): f64 { return <f64>zeroFixAt(i); }
/** Findings QEMU prints on stderr besides refcount mismatches (state.ts): how many, and field 0..3 of each (low, high 32 bits). */
export function checkEventCount(): i32 { return nEvents; }
export function checkEvent(i: i32, field: i32): f64 { return <f64>(eventAt(i, field) & 0xffffffff); }
export function checkEventHi(i: i32, field: i32): f64 { return <f64>(eventAt(i, field) >> 32); }
