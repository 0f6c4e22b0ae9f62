// The qcow2 layout as the Wasm engine uses it: typed views of format.ts, the one definition of every
// offset, bit and extension id (the field diagram is there), plus the u64 entry masks built from its
// 32-bit halves and QEMU's limits.
//
//  Compressed descriptor (spec "Compressed Clusters Descriptor"), x = 62 - (cluster_bits - 8):
//   bits 0..x-1 host offset, bits x..61 additional 512-byte sectors.
import * as F from './format';
import * as SN from './snapshot-format';

export const QCOW2_MAGIC: u32 = <u32>F.QCOW2_MAGIC;
export const H_VERSION: usize = <usize>F.H_VERSION;
export const H_BACKING_OFFSET: usize = <usize>F.H_BACKING_OFFSET;
export const H_BACKING_SIZE: usize = <usize>F.H_BACKING_SIZE;
export const H_CLUSTER_BITS: usize = <usize>F.H_CLUSTER_BITS;
export const H_SIZE: usize = <usize>F.H_SIZE;
export const H_CRYPT_METHOD: usize = <usize>F.H_CRYPT_METHOD;
export const H_L1_SIZE: usize = <usize>F.H_L1_SIZE;
export const H_L1_OFFSET: usize = <usize>F.H_L1_OFFSET;
export const H_REFTABLE_OFFSET: usize = <usize>F.H_REFTABLE_OFFSET;
export const H_REFTABLE_CLUSTERS: usize = <usize>F.H_REFTABLE_CLUSTERS;
export const H_NB_SNAPSHOTS: usize = <usize>F.H_NB_SNAPSHOTS;
export const H_SNAPSHOTS_OFFSET: usize = <usize>F.H_SNAPSHOTS_OFFSET;
export const H_INCOMPAT: usize = <usize>F.H_INCOMPAT;
export const H_COMPAT: usize = <usize>F.H_COMPAT;
export const H_AUTOCLEAR: usize = <usize>F.H_AUTOCLEAR;
export const H_REFCOUNT_ORDER: usize = <usize>F.H_REFCOUNT_ORDER;
export const H_HEADER_LENGTH: usize = <usize>F.H_HEADER_LENGTH;
export const H_COMPRESSION_TYPE: usize = <usize>F.H_COMPRESSION_TYPE;
export const V2_HEADER_LENGTH: u32 = <u32>F.V2_HEADER_LENGTH;
export const V3_MIN_HEADER_LENGTH: u32 = <u32>F.V3_MIN_HEADER_LENGTH;

export const INCOMPAT_DIRTY: u64 = <u64>F.INCOMPAT_DIRTY;
export const INCOMPAT_CORRUPT: u64 = <u64>F.INCOMPAT_CORRUPT;
export const INCOMPAT_DATA_FILE: u64 = <u64>F.INCOMPAT_DATA_FILE;
export const INCOMPAT_COMPRESSION: u64 = <u64>F.INCOMPAT_COMPRESSION;
export const INCOMPAT_EXTL2: u64 = <u64>F.INCOMPAT_EXTL2;
export const INCOMPAT_KNOWN: u64 = <u64>F.INCOMPAT_KNOWN;
export const COMPAT_LAZY_REFCOUNTS: u64 = <u64>F.COMPAT_LAZY_REFCOUNTS;
export const AUTOCLEAR_BITMAPS: u64 = <u64>F.AUTOCLEAR_BITMAPS;
export const AUTOCLEAR_DATA_FILE_RAW: u64 = <u64>F.AUTOCLEAR_DATA_FILE_RAW;

export const EXT_END: u32 = <u32>F.EXT_END;
export const EXT_BACKING_FORMAT: u32 = <u32>F.EXT_BACKING_FORMAT;
export const EXT_FEATURE_TABLE: u32 = <u32>F.EXT_FEATURE_TABLE;
export const EXT_BITMAPS: u32 = <u32>F.EXT_BITMAPS;
export const EXT_CRYPTO: u32 = <u32>F.EXT_CRYPTO;
export const EXT_DATA_FILE: u32 = <u32>F.EXT_DATA_FILE;

export const OFLAG_COPIED: u64 = (<u64>F.L2_COPIED_HI) << 32;
export const OFLAG_COMPRESSED: u64 = (<u64>F.L2_COMPRESSED_HI) << 32;
export const OFLAG_ZERO: u64 = <u64>F.L2_ZERO_LO;
export const OFFSET_MASK: u64 = ((<u64>F.OFFSET_HI_MASK) << 32) | <u64>F.OFFSET_LO_MASK;
export const L1E_RESERVED: u64 = ((<u64>F.L1_RESERVED_HI) << 32) | <u64>F.L1_RESERVED_LO;

// QEMU's own limits (block/qcow2.h), so absurd headers fail before anything is allocated.
export const MAX_L1_BYTES: u64 = 32 << 20;        // QCOW_MAX_L1_SIZE
export const MAX_REFTABLE_BYTES: u64 = 8 << 20;   // QCOW_MAX_REFTABLE_SIZE
export const MAX_SNAPSHOTS: u32 = <u32>SN.SN_MAX_SNAPSHOTS;
export const MAX_SNAPSHOTS_BYTES: u64 = 64 << 20; // QCOW_MAX_SNAPSHOTS_SIZE
export const MAX_BACKING_NAME: u32 = 1023;
export const MAX_VIRTUAL_SIZE: u64 = 1 << 61;     // far beyond any real disk; guards arithmetic
