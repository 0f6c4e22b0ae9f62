// What one run of guest bytes is, in one layer or through a chain: typed views of run-record.ts,
// where the flags (QEMU's block status bits) are defined once.
import * as R from './run-record';

export const RUN_ALLOCATED: u32 = <u32>R.RUN_ALLOCATED;
export const RUN_DATA: u32 = <u32>R.RUN_DATA;
export const RUN_ZERO: u32 = <u32>R.RUN_ZERO;
export const RUN_OFFSET: u32 = <u32>R.RUN_OFFSET;
export const RUN_COMPRESSED: u32 = <u32>R.RUN_COMPRESSED;
export const RUN_RAW: u32 = <u32>R.RUN_RAW;
export const RUN_RECURSE: u32 = <u32>R.RUN_RECURSE;
export const RUN_DATAFILE: u32 = <u32>R.RUN_DATAFILE;

// The run found by the last lookup.
export let runLen: u64 = 0;
export let runFlags: u32 = 0;
export let runHost: u64 = 0;

@inline export function setRun(len: u64, flags: u32, host: u64): void {
  runLen = len;
  runFlags = flags;
  runHost = host;
}
