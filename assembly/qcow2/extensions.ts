// Header extensions (qcow2.txt "Header extensions"): 8-byte aligned {u32 type, u32 length, data}
// records after the header, ending with type 0 or at QEMU's ext_end (the backing file name's offset,
// else the end of the first cluster). Unknown types are skipped; known ones are validated.
import { be32, be64 } from '../util/be';
import { fail } from '../errors';
import * as S from '../status';
import * as F from '../fields';
import * as Q from './layout';
import * as BM from './bitmap-format';
import { Layer, backingFmtPtr, backingNamePtr, dataFileNamePtr } from '../layer';

const MAX_BITMAPS: u32 = 65535;                 // QCOW2_MAX_BITMAPS
const MAX_BITMAP_DIR_BYTES: u64 = 64 << 20;     // QCOW2_MAX_BITMAP_DIRECTORY_SIZE
const MAX_BACKING_FORMAT: u32 = 15;             // QEMU keeps it in char[16]

export function parseExtensions(slot: i32, l: Layer, p: usize): i32 {
  const cluster = (<u64>1) << l.clusterBits;
  const end: u64 = l.backingOffset != 0 ? l.backingOffset : cluster;
  let off = <u64>l.headerLength;
  while (off + 8 <= end) {
    const type = be32(p + <usize>off);
    const len = <u64>be32(p + <usize>off + 4);
    const at = off;
    off += 8;
    if (type == Q.EXT_END) break;
    if (len > end - off) return fail(S.E_QCOW2_BAD_EXTENSION, slot, F.F_HEADER_EXTENSION, at, type);
    const rc = parseOne(slot, l, p, type, at, p + <usize>off, <u32>len);
    if (rc != S.OK) return rc;
    off += (len + 7) & ~(<u64>7);
  }
  if (l.backingNameLen > 0) memory.copy(backingNamePtr(l), p + <usize>l.backingOffset, l.backingNameLen);
  if ((l.incompat & Q.INCOMPAT_DATA_FILE) == 0 && (l.autoclear & Q.AUTOCLEAR_DATA_FILE_RAW) != 0) {
    return fail(S.E_QCOW2_DATA_FILE_MISSING, slot, F.F_AUTOCLEAR_FEATURES, Q.H_AUTOCLEAR, l.autoclear);
  }
  return S.OK;
}

function parseOne(slot: i32, l: Layer, p: usize, type: u32, at: u64, data: usize, len: u32): i32 {
  if (type == Q.EXT_BACKING_FORMAT) {
    if (len > MAX_BACKING_FORMAT) return fail(S.E_QCOW2_BAD_EXTENSION, slot, F.F_BACKING_FORMAT, at, len);
    memory.copy(backingFmtPtr(l), data, len);
    l.backingFmtLen = len;
  } else if (type == Q.EXT_DATA_FILE) {
    if (len > Q.MAX_BACKING_NAME) return fail(S.E_QCOW2_BAD_EXTENSION, slot, F.F_DATA_FILE, at, len);
    memory.copy(dataFileNamePtr(l), data, len);
    l.dataFileNameLen = len;
  } else if (type == Q.EXT_CRYPTO) {
    // Only meaningful with crypt_method LUKS, which the header check already refused.
    return fail(S.E_QCOW2_ENCRYPTED, slot, F.F_HEADER_EXTENSION, at, type);
  } else if (type == Q.EXT_BITMAPS) {
    return parseBitmapsExt(slot, l, at, data, len);
  }
  return S.OK;
}

// Bitmaps extension (qcow2.txt "Bitmaps extension", fields in bitmap-format.ts): nb_bitmaps u32,
// reserved u32, bitmap_directory_size u64, bitmap_directory_offset u64. Ignored, as QEMU does, unless the
// autoclear "bitmaps consistent" bit says a bitmap-aware program wrote the image last.
function parseBitmapsExt(slot: i32, l: Layer, at: u64, data: usize, len: u32): i32 {
  if (len != <u32>BM.BMX_BYTES) return fail(S.E_QCOW2_BAD_BITMAPS, slot, F.F_BITMAPS_EXTENSION, at, len);
  if ((l.autoclear & Q.AUTOCLEAR_BITMAPS) == 0) return S.OK;
  const nb = be32(data + BM.BMX_NB_BITMAPS);
  const reserved = be32(data + BM.BMX_RESERVED);
  const dirSize = be64(data + BM.BMX_BITMAP_DIRECTORY_SIZE);
  const dirOff = be64(data + BM.BMX_BITMAP_DIRECTORY_OFFSET);
  const cluster = (<u64>1) << l.clusterBits;
  if (nb == 0 || nb > MAX_BITMAPS || reserved != 0) return fail(S.E_QCOW2_BAD_BITMAPS, slot, F.F_BITMAPS_EXTENSION, at, nb);
  if (dirSize > MAX_BITMAP_DIR_BYTES || (dirOff & (cluster - 1)) != 0 || dirOff > l.fileSize || dirSize > l.fileSize - dirOff) {
    return fail(S.E_QCOW2_BAD_BITMAPS, slot, F.F_BITMAP_DIRECTORY, at + <u64>BM.BMX_BITMAP_DIRECTORY_OFFSET, dirOff);
  }
  l.nbBitmaps = nb;
  l.bitmapDirSize = dirSize;
  l.bitmapDirOffset = dirOff;
  return S.OK;
}
