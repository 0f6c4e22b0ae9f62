// Messages and hints for the engine's codes (numbers in assembly/status.ts) and for the I/O layer
// around it. A test checks that every engine code named in status.ts has an entry here.
import type { CodeInfo } from './codes.js';

const bad = (message: string, hint?: string): CodeInfo => ({ message, hint, http: 422 });

export const ENGINE_CODES = {
  E_TRUNCATED: bad('the file ends before a structure it declares', 'the image was cut short; restore it from a copy'),
  E_UNKNOWN_FORMAT: bad('not a disk image format vdisk can name', 'pass -f raw if this is a raw image'),
  E_FORMAT_UNSUPPORTED: bad('this image format is recognised but not supported', 'convert it with qemu-img first'),
  E_QCOW2_BAD_MAGIC: bad('qcow2 magic "QFI\\xfb" not found'),
  E_QCOW2_BAD_VERSION: bad('unsupported qcow2 version (only 2 and 3 exist)'),
  E_QCOW2_BAD_CLUSTER_BITS: bad('cluster_bits outside 9..21'),
  E_QCOW2_BAD_HEADER_LENGTH: bad('header_length is invalid'),
  E_QCOW2_ENCRYPTED: bad(
    'encrypted qcow2 images are not supported',
    'decrypt with qemu-img convert --object secret,...',
  ),
  E_QCOW2_UNKNOWN_INCOMPATIBLE: bad('the image uses incompatible features this version does not know'),
  E_QCOW2_BAD_REFCOUNT_ORDER: bad('refcount_order is over 6'),
  E_QCOW2_BAD_SIZE: bad('virtual size is absurd'),
  E_QCOW2_BAD_L1: bad('L1 table is too large, unaligned or outside the file'),
  E_QCOW2_BAD_REFCOUNT_TABLE: bad('refcount table is unaligned, too large or outside the file'),
  E_QCOW2_BAD_SNAPSHOT_TABLE: bad('internal snapshot table is invalid'),
  E_QCOW2_BAD_EXTENSION: bad('a header extension overruns the header cluster'),
  E_QCOW2_BAD_BACKING_NAME: bad('backing file name is too long or outside the header cluster'),
  E_QCOW2_BAD_L2: bad('an L2 table offset is unaligned or past the end of the file', 'run vdisk check'),
  E_QCOW2_BAD_CLUSTER: bad('a data cluster offset is unaligned or past the end of the file', 'run vdisk check'),
  E_QCOW2_BAD_COMPRESSED: bad('a compressed cluster descriptor is invalid', 'run vdisk check'),
  E_QCOW2_BAD_BITMAPS: bad('the bitmap directory is invalid'),
  E_QCOW2_EXTENDED_L2_SMALL_CLUSTER: bad('extended L2 needs clusters of 16 KiB or more'),
  E_QCOW2_BAD_COMPRESSION_TYPE: bad('unknown compression type'),
  E_QCOW2_DATA_FILE_MISSING: bad('the image needs an external data file that was not given or not named'),
  E_QCOW2_CORRUPT: bad('the image is marked corrupt', 'run vdisk check -r all, then retry'),
  E_QCOW2_DIRTY: bad('the image was not closed cleanly (dirty bit set)', 'run vdisk check -r all, then retry'),
  E_BACKING_LOOP: bad('the backing chain loops back on itself'),
  E_BACKING_MISSING: bad('a backing file named by the image does not exist'),
  E_BACKING_FORMAT_UNKNOWN: bad(
    'the image does not record its backing file format, and backing formats are never probed by default',
    'record it with `vdisk rebase -u -b BACKING -F FMT IMAGE`, or pass --probe-backing to allow raw/qcow2 probing',
  ),
  E_BACKING_TOO_DEEP: bad('the backing chain is deeper than the limit'),
  E_BACKING_DENIED: {
    message: 'opening this backing file is not allowed',
    hint: 'backing files must stay inside the allowed roots',
    http: 403,
  },
  E_NO_MEMORY: { message: 'the engine ran out of memory', http: 507 },
  E_ENGINE_BUSY: {
    message: 'the engine cannot grow its memory while a copy has reads in flight',
    hint: 'run this after the copy ends, or on an engine of its own',
    http: 503,
  },
  E_BAD_ARGUMENT: { message: 'invalid argument', http: 400 },
  E_BAD_SLOT: { message: 'no such open image in the engine', http: 500 },
  E_RANGE: { message: 'range is outside the image', http: 416 },
  E_TOO_MANY_LAYERS: bad('too many images open in one engine'),
  E_DECOMPRESS: bad('a compressed cluster does not decompress', 'run vdisk check; the image may be damaged'),
  E_IO: { message: 'an I/O error occurred', http: 502 },
  E_NOT_FOUND: { message: 'no such file', http: 404 },
  E_PERMISSION: { message: 'permission denied', http: 403 },
  E_START_DIR_NOT_EMPTY: {
    message: 'the --dir of vdisk start holds files it did not write',
    hint: 'name a new or empty directory, or leave --dir out',
    http: 400,
  },
  E_USAGE: { message: 'invalid command line', hint: 'see vdisk --help', http: 400 },
  E_SOURCE_CHANGED: bad('the source changed underneath the operation (size or header)'),
} satisfies Record<string, CodeInfo>;
