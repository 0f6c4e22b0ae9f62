// Answers layerGet(slot, key) from the Layer struct (keys in keys.ts).
import * as K from './keys';
import { layerAt, validSlot, backingNamePtr, backingFmtPtr, dataFileNamePtr } from './layer';

export function layerGet(slot: i32, key: i32): f64 {
  if (!validSlot(slot)) return -1;
  const l = layerAt(slot);
  switch (key) {
    case K.K_FORMAT: return <f64>l.format;
    case K.K_VERSION: return <f64>l.version;
    case K.K_CLUSTER_BITS: return <f64>l.clusterBits;
    case K.K_SIZE: return <f64>l.size;
    case K.K_FILE_SIZE: return <f64>l.fileSize;
    case K.K_INCOMPAT: return <f64>l.incompat;
    case K.K_COMPAT: return <f64>l.compat;
    case K.K_AUTOCLEAR: return <f64>l.autoclear;
    case K.K_REFCOUNT_ORDER: return <f64>l.refcountOrder;
    case K.K_COMPRESSION_TYPE: return <f64>l.compressionType;
    case K.K_EXTL2: return <f64>l.extL2;
    case K.K_L1_SIZE: return <f64>l.l1Size;
    case K.K_L1_OFFSET: return <f64>l.l1Offset;
    case K.K_REFTABLE_OFFSET: return <f64>l.refTableOffset;
    case K.K_REFTABLE_CLUSTERS: return <f64>l.refTableClusters;
    case K.K_NB_SNAPSHOTS: return <f64>l.nbSnapshots;
    case K.K_SNAPSHOTS_OFFSET: return <f64>l.snapshotsOffset;
    case K.K_BACKING_NAME_PTR: return <f64>backingNamePtr(l);
    case K.K_BACKING_NAME_LEN: return <f64>l.backingNameLen;
    case K.K_BACKING_FMT_PTR: return <f64>backingFmtPtr(l);
    case K.K_BACKING_FMT_LEN: return <f64>l.backingFmtLen;
    case K.K_DATA_FILE_PTR: return <f64>dataFileNamePtr(l);
    case K.K_DATA_FILE_LEN: return <f64>l.dataFileNameLen;
    case K.K_NB_BITMAPS: return <f64>l.nbBitmaps;
    case K.K_BITMAP_DIR_OFFSET: return <f64>l.bitmapDirOffset;
    case K.K_BITMAP_DIR_SIZE: return <f64>l.bitmapDirSize;
    case K.K_BACKING: return <f64>l.backing;
    case K.K_HEADER_LENGTH: return <f64>l.headerLength;
    case K.K_META_PREALLOC: return <f64>l.metaPrealloc;
    default: return -1;
  }
}
