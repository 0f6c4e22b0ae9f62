// Engine status codes: the one numeric table shared by the Wasm engine and the TypeScript side.
// This file is plain `export const NAME = n;` so it compiles as AssemblyScript and as TypeScript alike;
// src/errors/codes.ts maps each name to its message and hint. Never renumber: codes are stable API.

// Call results (not errors).
export const OK = 0;
export const NEED_IO = 1; // service the queued I/O requests, then call again

// Image format and header (qcow2 spec, docs/interop/qcow2.txt "Header").
export const E_TRUNCATED = 100;
export const E_UNKNOWN_FORMAT = 101;
export const E_FORMAT_UNSUPPORTED = 102; // vmdk, vhdx, vdi, qed, luks... recognised, not handled
export const E_QCOW2_BAD_MAGIC = 110;
export const E_QCOW2_BAD_VERSION = 111;
export const E_QCOW2_BAD_CLUSTER_BITS = 112;
export const E_QCOW2_BAD_HEADER_LENGTH = 113;
export const E_QCOW2_ENCRYPTED = 114;
export const E_QCOW2_UNKNOWN_INCOMPATIBLE = 115;
export const E_QCOW2_BAD_REFCOUNT_ORDER = 116;
export const E_QCOW2_BAD_SIZE = 117;
export const E_QCOW2_BAD_L1 = 118;
export const E_QCOW2_BAD_REFCOUNT_TABLE = 119;
export const E_QCOW2_BAD_SNAPSHOT_TABLE = 120;
export const E_QCOW2_BAD_EXTENSION = 121;
export const E_QCOW2_BAD_BACKING_NAME = 122;
export const E_QCOW2_BAD_L2 = 123; // L2 table offset unaligned or past the end of the file
export const E_QCOW2_BAD_CLUSTER = 124; // data cluster offset unaligned or past the end of the file
export const E_QCOW2_BAD_COMPRESSED = 125;
export const E_QCOW2_BAD_BITMAPS = 126;
export const E_QCOW2_EXTENDED_L2_SMALL_CLUSTER = 127;
export const E_QCOW2_BAD_COMPRESSION_TYPE = 128;
export const E_QCOW2_DATA_FILE_MISSING = 129;
export const E_QCOW2_CORRUPT = 130; // corrupt bit set: read-only use only
export const E_QCOW2_DIRTY = 131; // dirty bit set: writers need `vdisk check -r all`

// Backing chains.
export const E_BACKING_LOOP = 200;
export const E_BACKING_MISSING = 201;
export const E_BACKING_FORMAT_UNKNOWN = 202;
export const E_BACKING_TOO_DEEP = 203;
export const E_BACKING_DENIED = 204; // the gate refused to open it

// Engine resources and calls.
export const E_NO_MEMORY = 300;
export const E_BAD_ARGUMENT = 301;
export const E_BAD_SLOT = 302;
export const E_RANGE = 303; // request outside the image
export const E_TOO_MANY_LAYERS = 304;
export const E_DECOMPRESS = 305;
