// Cluster compression for -c (qcow2.txt "Compressed Clusters Descriptor"): raw deflate (fflate) or
// a zstd frame. QEMU stores a cluster compressed only when it shrinks below cluster_size - 1, and
// inflates it in one call into a cluster-sized buffer (so back-references may reach the whole cluster).
import type { Qcow2Params } from './options.js';

export type Compressor = (cluster: Uint8Array) => Uint8Array | null;

export async function compressorFor(p: Qcow2Params): Promise<Compressor> {
  const limit = 2 ** p.clusterBits - 1;
  if (!p.zstd) {
    const { deflateSync } = await import('fflate'); // loaded only for -c: it builds tables when loaded
    return (c) => {
      const z = deflateSync(c, { level: 6 });
      return z.length < limit ? z : null;
    };
  }
  const { zstdCompressor } = await import('./zstd.js');
  const enc = await zstdCompressor();
  return (c) => {
    const z = enc(c);
    return z.length < limit ? z : null;
  };
}
