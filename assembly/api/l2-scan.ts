// The L2 scan's exports (see qcow2/l2-scan.ts): the host copies a table in and reads the runs back.
import { L2RUNS, l2Scan as scan, l2FirstUsed, l2Scanned } from '../qcow2/l2-scan';

export function l2Scan(ptr: usize, entryBytes: u32, entries: u32): i32 { return scan(ptr, entryBytes, entries); }
export function l2RunsPtr(): usize { return L2RUNS; }
export function l2RunsFirstUsed(): i32 { return l2FirstUsed; }
export function l2ScanEntries(): u32 { return l2Scanned; }
