// qcow2 on-disk layout (QEMU docs/interop/qcow2.txt). All fields big-endian.
//
//  Header (spec "Header"), version 2 ends at byte 72, version 3 at header_length (>= 104):
//   0  magic "QFI\xfb"      4  version        8  backing_file_offset   16 backing_file_size
//  20  cluster_bits        24  size          32  crypt_method          36 l1_size
//  40  l1_table_offset     48  refcount_table_offset                   56 refcount_table_clusters
//  60  nb_snapshots        64  snapshots_offset
//  72  incompatible_features   80 compatible_features   88 autoclear_features
//  96  refcount_order     100  header_length          104 compression_type (u8) + 7 padding
//
//  L1/L2 entry (spec "Cluster mapping"):
//   63 COPIED | 62 COMPRESSED | 61..56 reserved | 55..9 host cluster offset | 8..1 reserved | 0 ZERO
//  Extended L2 (spec "Extended L2 Entries"): a second u64, bits 0..31 allocated, 32..63 zero, per subcluster.
//  Compressed descriptor (spec "Compressed Clusters Descriptor"), x = 62 - (cluster_bits - 8):
//   bits 0..x-1 host offset, bits x..61 additional 512-byte sectors.
export const QCOW2_MAGIC: u32 = 0x514649fb;
export const H_VERSION: usize = 4;
export const H_BACKING_OFFSET: usize = 8;
export const H_BACKING_SIZE: usize = 16;
export const H_CLUSTER_BITS: usize = 20;
export const H_SIZE: usize = 24;
export const H_CRYPT_METHOD: usize = 32;
export const H_L1_SIZE: usize = 36;
export const H_L1_OFFSET: usize = 40;
export const H_REFTABLE_OFFSET: usize = 48;
export const H_REFTABLE_CLUSTERS: usize = 56;
export const H_NB_SNAPSHOTS: usize = 60;
export const H_SNAPSHOTS_OFFSET: usize = 64;
export const H_INCOMPAT: usize = 72;
export const H_COMPAT: usize = 80;
export const H_AUTOCLEAR: usize = 88;
export const H_REFCOUNT_ORDER: usize = 96;
export const H_HEADER_LENGTH: usize = 100;
export const H_COMPRESSION_TYPE: usize = 104;
export const V2_HEADER_LENGTH: u32 = 72;
export const V3_MIN_HEADER_LENGTH: u32 = 104;

export const INCOMPAT_DIRTY: u64 = 1;
export const INCOMPAT_CORRUPT: u64 = 2;
export const INCOMPAT_DATA_FILE: u64 = 4;
export const INCOMPAT_COMPRESSION: u64 = 8;
export const INCOMPAT_EXTL2: u64 = 16;
export const INCOMPAT_KNOWN: u64 = 31;
export const COMPAT_LAZY_REFCOUNTS: u64 = 1;
export const AUTOCLEAR_BITMAPS: u64 = 1;
export const AUTOCLEAR_DATA_FILE_RAW: u64 = 2;

export const EXT_END: u32 = 0;
export const EXT_BACKING_FORMAT: u32 = 0xe2792aca;
export const EXT_FEATURE_TABLE: u32 = 0x6803f857;
export const EXT_BITMAPS: u32 = 0x23852875;
export const EXT_CRYPTO: u32 = 0x0537be77;
export const EXT_DATA_FILE: u32 = 0x44415441;

export const OFLAG_COPIED: u64 = 1 << 63;
export const OFLAG_COMPRESSED: u64 = 1 << 62;
export const OFLAG_ZERO: u64 = 1;
export const OFFSET_MASK: u64 = 0x00fffffffffffe00;
export const L1E_RESERVED: u64 = 0x7f000000000001ff;

// QEMU's own limits (block/qcow2.h), so absurd headers fail before anything is allocated.
export const MAX_L1_BYTES: u64 = 32 << 20;        // QCOW_MAX_L1_SIZE
export const MAX_REFTABLE_BYTES: u64 = 8 << 20;   // QCOW_MAX_REFTABLE_SIZE
export const MAX_SNAPSHOTS: u32 = 65536;          // QCOW_MAX_SNAPSHOTS
export const MAX_SNAPSHOTS_BYTES: u64 = 64 << 20; // QCOW_MAX_SNAPSHOTS_SIZE
export const MAX_BACKING_NAME: u32 = 1023;
export const MAX_VIRTUAL_SIZE: u64 = 1 << 61;     // far beyond any real disk; guards arithmetic
