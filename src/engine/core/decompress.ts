// Compressed qcow2 clusters: raw deflate (fflate) or zstd frames (fzstd). A cluster must inflate to
// exactly its size, as QEMU requires (qcow2_co_decompress).
import { inflateSync } from 'fflate';
import { decompress as zstdDecompress } from 'fzstd';
import { VdiskError } from '../../errors/vdisk-error.js';
import { zstdFrameLength } from './zstd-frame.js';

export function inflateCluster(input: Uint8Array, clusterSize: number, zstd: boolean, where: string): Uint8Array {
  let out: Uint8Array;
  try {
    out = zstd
      ? zstdDecompress(input.subarray(0, zstdFrameLength(input) ?? input.length), new Uint8Array(clusterSize))
      : inflateSync(input, { out: new Uint8Array(clusterSize) });
  } catch (e) {
    throw new VdiskError('E_DECOMPRESS', `compressed cluster does not decompress: ${(e as Error).message}`, {
      path: where,
    });
  }
  if (out.length < clusterSize) {
    throw new VdiskError('E_DECOMPRESS', `compressed cluster inflates to ${out.length} bytes, not ${clusterSize}`, {
      path: where,
    });
  }
  return out;
}
