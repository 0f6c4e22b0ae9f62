// Consistency check exports (see qcow2/check/): checkRun(slot) until OK (NEED_IO in between), then
// checkValue(key): 0 check-errors, 1 corruptions, 2 leaks, 3 image-end-offset, 4 total-clusters,
// 5 allocated-clusters, 6 fragmented-clusters, 7 compressed-clusters; checkEnd() frees the arrays.
import { clearError } from '../errors';
import { checkRun as run, checkValue as value, checkEnd as end } from '../qcow2/check/run';

export function checkRun(slot: i32): i32 { clearError(); return run(slot); }
export function checkValue(key: i32): f64 { return value(key); }
export function checkEnd(): void { end(); }
