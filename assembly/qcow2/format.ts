// The qcow2 on-disk layout as plain numbers (QEMU docs/interop/qcow2.txt), one definition for the Wasm
// engine and the TypeScript writer, editor, repairs and readers. Plain `export const NAME = n;` (as
// status.ts and keys.ts) so it compiles as AssemblyScript and as TypeScript alike; layout.ts gives
// the Wasm side its typed views (u64 masks built from the 32-bit halves below). All fields big-endian.
//
//  Header (spec "Header"), version 2 ends at byte 72, version 3 at header_length (>= 104):
//   0  magic "QFI\xfb"      4  version        8  backing_file_offset   16 backing_file_size
//  20  cluster_bits        24  size          32  crypt_method          36 l1_size
//  40  l1_table_offset     48  refcount_table_offset                   56 refcount_table_clusters
//  60  nb_snapshots        64  snapshots_offset
//  72  incompatible_features   80 compatible_features   88 autoclear_features
//  96  refcount_order     100  header_length          104 compression_type (u8) + 7 padding
export const QCOW2_MAGIC = 0x514649fb;
export const H_MAGIC = 0;
export const H_VERSION = 4;
export const H_BACKING_OFFSET = 8;
export const H_BACKING_SIZE = 16;
export const H_CLUSTER_BITS = 20;
export const H_SIZE = 24;
export const H_CRYPT_METHOD = 32;
export const H_L1_SIZE = 36;
export const H_L1_OFFSET = 40;
export const H_REFTABLE_OFFSET = 48;
export const H_REFTABLE_CLUSTERS = 56;
export const H_NB_SNAPSHOTS = 60;
export const H_SNAPSHOTS_OFFSET = 64;
export const H_INCOMPAT = 72;
export const H_COMPAT = 80;
export const H_AUTOCLEAR = 88;
export const H_REFCOUNT_ORDER = 96;
export const H_HEADER_LENGTH = 100;
export const H_COMPRESSION_TYPE = 104;
export const V2_HEADER_LENGTH = 72;
export const V3_MIN_HEADER_LENGTH = 104;
export const V3_HEADER_LENGTH = 112; // what QEMU (and vdisk) write: the compression type byte, padded to 8
export const V2_REFCOUNT_ORDER = 4; // version 2 has no refcount_order field: 16-bit refcounts
export const COMPRESSION_ZLIB = 0;
export const COMPRESSION_ZSTD = 1;

// Feature bits (spec "incompatible_features", "compatible_features", "autoclear_features").
export const INCOMPAT_DIRTY = 1;
export const INCOMPAT_CORRUPT = 2;
export const INCOMPAT_DATA_FILE = 4;
export const INCOMPAT_COMPRESSION = 8;
export const INCOMPAT_EXTL2 = 16;
export const INCOMPAT_KNOWN = 31;
export const COMPAT_LAZY_REFCOUNTS = 1;
export const AUTOCLEAR_BITMAPS = 1;
export const AUTOCLEAR_DATA_FILE_RAW = 2;

// Header extensions (spec "Header extensions"): 8-byte aligned {u32 type, u32 length, data}.
export const EXT_HEADER_BYTES = 8;
export const EXT_END = 0;
export const EXT_BACKING_FORMAT = 0xe2792aca;
export const EXT_FEATURE_TABLE = 0x6803f857;
export const EXT_BITMAPS = 0x23852875;
export const EXT_CRYPTO = 0x0537be77;
export const EXT_DATA_FILE = 0x44415441;
export const MAX_BACKING_NAME = 1023;

// L1/L2 entries (spec "Cluster mapping"), as their big-endian 32-bit halves [hi, lo]:
//   63 COPIED | 62 COMPRESSED | 61..56 reserved | 55..9 host cluster offset | 8..1 reserved | 0 ZERO
// Extended L2 (spec "Extended L2 Entries"): a second u64, bits 0..31 allocated, 32..63 zero, per subcluster.
// Refcount table entries carry the offset in bits 9..63 (no flags in the high half).
export const L2_COPIED_HI = 0x80000000;
export const L2_COMPRESSED_HI = 0x40000000;
export const L2_ZERO_LO = 1;
export const OFFSET_HI_MASK = 0x00ffffff;
export const OFFSET_LO_MASK = 0xfffffe00;
export const L1_RESERVED_HI = 0x7f000000; // L1 entry bits 56..62
export const L1_RESERVED_LO = 0x1ff;      // L1 entry bits 0..8
export const L2_ENTRY_BYTES = 8;
export const L2_EXTENDED_ENTRY_BYTES = 16;
export const SUBCLUSTERS = 32;

// Bitmap directory entry flags (spec "Bitmap directory").
export const BME_IN_USE = 1;
export const BME_AUTO = 2;
