// The bitmaps extension and bitmap directory entry as plain numbers (QEMU docs/interop/qcow2.txt
// "Bitmaps extension", "Bitmap directory"), one definition for the Wasm checks (extensions.ts,
// bitmaps.ts) and the TypeScript reader and writer (src/engine/qcow2/bitmap-*.ts). Plain
// `export const NAME = n;` as format.ts, so asc and tsc both compile it. All fields big-endian.
//
//  Bitmaps extension data (EXT_BITMAPS, 24 bytes):
//   0  nb_bitmaps u32    4  reserved u32 (0)    8  bitmap_directory_size u64    16  bitmap_directory_offset u64
//
//  Directory entry (bitmap_directory_size bytes hold nb_bitmaps of them, each padded to 8 bytes):
//   0  bitmap_table_offset u64    8  bitmap_table_size u32    12  flags u32 (BME_IN_USE, BME_AUTO)
//  16  type u8                   17  granularity_bits u8     18  name_size u16
//  20  extra_data_size u32       24  extra data, then name, then zero padding to 8 bytes
export const BMX_NB_BITMAPS = 0;
export const BMX_RESERVED = 4;
export const BMX_BITMAP_DIRECTORY_SIZE = 8;
export const BMX_BITMAP_DIRECTORY_OFFSET = 16;
export const BMX_BYTES = 24;

export const BMD_BITMAP_TABLE_OFFSET = 0;
export const BMD_BITMAP_TABLE_SIZE = 8;
export const BMD_FLAGS = 12;
export const BMD_TYPE = 16;
export const BMD_GRANULARITY_BITS = 17;
export const BMD_NAME_SIZE = 18;
export const BMD_EXTRA_DATA_SIZE = 20;
export const BMD_HEADER_BYTES = 24; // the extra data starts here
export const BMD_ALIGN = 8;

export const BME_TYPE_DIRTY_TRACKING = 1;
export const BME_MAX_NAME_SIZE = 1023;
export const BME_MAX_TABLE_SIZE = 0x8000000; // entries
export const BMT_ENTRY_BYTES = 8; // bitmap table entry u64; offset 0 → bit 0 (BMT_ALL_ONES) says all ones
export const BMT_ALL_ONES = 1;
