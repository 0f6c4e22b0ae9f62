// Open images ("layers") live in a fixed table of slots. A chain is layers linked by `backing`.
// The struct is unmanaged: plain memory, no GC, addressed by slot number.
export const FMT_NONE: u32 = 0;
export const FMT_RAW: u32 = 1;
export const FMT_QCOW2: u32 = 2;

export const MAX_LAYERS: i32 = 64;
export const NAME_BYTES: usize = 1024; // each string kept per layer (backing name, format, data file)

@unmanaged
export class Layer {
  used: u32;
  format: u32;
  phase: u32;        // open progress: 0 nothing read, 1 first page read, 2 header cluster read, 3 ready
  version: u32;
  clusterBits: u32;
  l2Bits: u32;       // log2 of entries per L2 table
  refcountOrder: u32;
  headerLength: u32;
  compressionType: u32;
  l1Size: u32;
  refTableClusters: u32;
  nbSnapshots: u32;
  backingNameLen: u32;
  backingFmtLen: u32;
  dataFileNameLen: u32;
  nbBitmaps: u32;
  extL2: u32;
  backing: i32;      // slot of the backing layer, -1 when none (set by the host after its gate)
  metaPrealloc: u32; // QEMU's metadata-preallocation heuristic says yes: refine data runs by file extents
  hasDataFile: u32;  // external data file attached by the host
  fileSize: u64;
  dataFileSize: u64;
  size: u64;
  incompat: u64;
  compat: u64;
  autoclear: u64;
  l1Offset: u64;
  refTableOffset: u64;
  snapshotsOffset: u64;
  backingOffset: u64;
  bitmapDirSize: u64;
  bitmapDirOffset: u64;
  bufPtr: usize;     // header buffer while opening
  bufLen: u64;
  l1Ptr: usize;      // the active L1 table, host byte order
  names: usize;      // 3 * NAME_BYTES: backing name, backing format, data file name
}

const LAYER_BYTES: usize = offsetof<Layer>();
const TABLE = memory.data(<i32>(LAYER_BYTES * <usize>MAX_LAYERS), 16);

@inline export function layerAt(slot: i32): Layer {
  return changetype<Layer>(TABLE + <usize>slot * LAYER_BYTES);
}

export function validSlot(slot: i32): bool {
  return slot >= 0 && slot < MAX_LAYERS && layerAt(slot).used != 0;
}

export function freeSlot(): i32 {
  for (let i = 0; i < MAX_LAYERS; i++) if (layerAt(i).used == 0) return i;
  return -1;
}

export function clearLayer(slot: i32): void {
  memory.fill(TABLE + <usize>slot * LAYER_BYTES, 0, LAYER_BYTES);
  layerAt(slot).backing = -1;
}

@inline export function clusterSize(l: Layer): u64 { return (<u64>1) << l.clusterBits; }
@inline export function backingNamePtr(l: Layer): usize { return l.names; }
@inline export function backingFmtPtr(l: Layer): usize { return l.names + NAME_BYTES; }
@inline export function dataFileNamePtr(l: Layer): usize { return l.names + 2 * NAME_BYTES; }
@inline export function fileId(slot: i32, dataFile: bool): u32 { return (<u32>slot << 1) | (dataFile ? 1 : 0); }
