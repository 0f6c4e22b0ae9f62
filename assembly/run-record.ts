// A run of guest bytes as the engine hands it to TypeScript, as plain numbers shared by both sides
// (src/engine/read/block-status.ts reads them). The flags follow QEMU's block status bits (block.h
// BDRV_BLOCK_*), so `map` can reproduce qemu-img exactly. Chain status writes 48-byte records,
// little-endian:
//   0 start f64 | 8 length f64 | 16 host offset f64 | 24 flags u32 | 28 depth u32 | 32 slot i32
export const RUN_ALLOCATED = 1;  // this layer decides the content (QEMU "present")
export const RUN_DATA = 2;       // reads come from the file
export const RUN_ZERO = 4;       // reads as zeros
export const RUN_OFFSET = 8;     // host offset is valid
export const RUN_COMPRESSED = 16;
export const RUN_RAW = 32;       // status is the file's own (raw layer): refine by file extents
export const RUN_RECURSE = 64;   // metadata-preallocated qcow2: a file hole means zeros
export const RUN_DATAFILE = 128; // host offset is in the external data file

export const MAX_RUNS = 4096;
export const RUN_BYTES = 48;
export const RR_START = 0;
export const RR_LENGTH = 8;
export const RR_HOST = 16;
export const RR_FLAGS = 24;
export const RR_DEPTH = 28;
export const RR_SLOT = 32;
