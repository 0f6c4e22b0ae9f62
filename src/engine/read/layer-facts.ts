// Reads a layer's parsed header facts out of the engine (keys in assembly/keys.ts).
import * as K from '../../../assembly/keys';
import type { EngineExports } from '../core/load.js';

export interface LayerFacts {
  format: 'raw' | 'qcow2';
  version: number;
  clusterBits: number;
  size: number;
  fileSize: number;
  incompat: number;
  compat: number;
  autoclear: number;
  refcountOrder: number;
  compressionType: number;
  extendedL2: boolean;
  nbSnapshots: number;
  nbBitmaps: number;
  backingName?: string;
  backingFormat?: string;
  dataFileName?: string;
}

const utf8 = new TextDecoder();

function str(x: EngineExports, slot: number, ptrKey: number, lenKey: number): string | undefined {
  const len = x.layerGet(slot, lenKey);
  if (len <= 0) return undefined;
  const ptr = x.layerGet(slot, ptrKey);
  return utf8.decode(new Uint8Array(x.memory.buffer, ptr, len).slice());
}

export function layerFacts(x: EngineExports, slot: number): LayerFacts {
  const g = (k: number) => x.layerGet(slot, k);
  const backingName = str(x, slot, K.K_BACKING_NAME_PTR, K.K_BACKING_NAME_LEN);
  return {
    format: g(K.K_FORMAT) === 1 ? 'raw' : 'qcow2',
    version: g(K.K_VERSION),
    clusterBits: g(K.K_CLUSTER_BITS),
    size: g(K.K_SIZE),
    fileSize: g(K.K_FILE_SIZE),
    incompat: g(K.K_INCOMPAT),
    compat: g(K.K_COMPAT),
    autoclear: g(K.K_AUTOCLEAR),
    refcountOrder: g(K.K_REFCOUNT_ORDER),
    compressionType: g(K.K_COMPRESSION_TYPE),
    extendedL2: g(K.K_EXTL2) === 1,
    nbSnapshots: g(K.K_NB_SNAPSHOTS),
    nbBitmaps: g(K.K_NB_BITMAPS),
    backingName,
    backingFormat: backingName !== undefined ? str(x, slot, K.K_BACKING_FMT_PTR, K.K_BACKING_FMT_LEN) : undefined,
    dataFileName: str(x, slot, K.K_DATA_FILE_PTR, K.K_DATA_FILE_LEN),
  };
}
