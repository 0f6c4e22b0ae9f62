// The internal snapshot table entry as plain numbers (QEMU docs/interop/qcow2.txt "Snapshots"), one
// definition for the Wasm reader (snapshots.ts) and the TypeScript repairs (src/engine/repair/). Plain
// `export const NAME = n;` as format.ts, so asc and tsc both compile it. All fields big-endian.
//
//  Entry (starts on an 8-byte boundary; nb_snapshots of them from snapshots_offset):
//   0  l1_table_offset u64     8  l1_size u32        12  id_str_size u16    14  name_size u16
//  16  date_sec u32           20  date_nsec u32      24  vm_clock_nsec u64
//  32  vm_state_size u32      36  extra_data_size u32
//  40  extra data (extra_data_size bytes), then id_str (id_str_size), then name (name_size)
//
//  Extra data (each field valid only if extra_data_size covers it):
//   0  vm_state_size_large u64    8  disk_size u64    16  icount u64 (all ones: none)
export const SN_L1_TABLE_OFFSET = 0;
export const SN_L1_SIZE = 8;
export const SN_ID_STR_SIZE = 12;
export const SN_NAME_SIZE = 14;
export const SN_DATE_SEC = 16;
export const SN_DATE_NSEC = 20;
export const SN_VM_CLOCK_NSEC = 24;
export const SN_VM_STATE_SIZE = 32;
export const SN_EXTRA_DATA_SIZE = 36;
export const SN_HEADER_BYTES = 40; // sizeof(QCowSnapshotHeader): the extra data starts here
export const SN_ALIGN = 8;

export const SNX_VM_STATE_SIZE_LARGE = 0;
export const SNX_DISK_SIZE = 8;
export const SNX_ICOUNT = 16;
export const SNX_KNOWN_BYTES = 24; // sizeof(QCowSnapshotExtraData): what QEMU writes
export const SNX_V3_MIN_BYTES = 16; // a v3 entry must carry vm_state_size_large and disk_size
export const SN_MAX_EXTRA_DATA = 1024; // QCOW_MAX_SNAPSHOT_EXTRA_DATA
export const SN_MAX_SNAPSHOTS = 65536; // QCOW_MAX_SNAPSHOTS: nb_snapshots QEMU accepts
