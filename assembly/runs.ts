// What one run of guest bytes is, in one layer or through a chain. The flags follow QEMU's block
// status bits (block.h BDRV_BLOCK_*), so `map` can reproduce qemu-img exactly.
export const RUN_ALLOCATED: u32 = 1;  // this layer decides the content (QEMU "present")
export const RUN_DATA: u32 = 2;       // reads come from the file
export const RUN_ZERO: u32 = 4;       // reads as zeros
export const RUN_OFFSET: u32 = 8;     // host offset is valid
export const RUN_COMPRESSED: u32 = 16;
export const RUN_RAW: u32 = 32;       // status is the file's own (raw layer): refine by file extents
export const RUN_RECURSE: u32 = 64;   // metadata-preallocated qcow2: a file hole means zeros
export const RUN_DATAFILE: u32 = 128; // host offset is in the external data file

// The run found by the last lookup.
export let runLen: u64 = 0;
export let runFlags: u32 = 0;
export let runHost: u64 = 0;

@inline export function setRun(len: u64, flags: u32, host: u64): void {
  runLen = len;
  runFlags = flags;
  runHost = host;
}
