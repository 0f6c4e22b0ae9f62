// Compressed cluster descriptors (qcow2.txt "Compressed Clusters Descriptor"): with
// x = 62 - (cluster_bits - 8), bits 0..x-1 hold the host byte offset and bits x..61 the number of
// 512-byte sectors the data occupies beyond the first one; bit 62 marks the entry compressed.
import { L2_COMPRESSED_HI } from '../../../assembly/qcow2/format';

export function compressedDescriptor(clusterBits: number, offset: number, length: number): { hi: number; lo: number } {
  const x = 62 - (clusterBits - 8);
  const extra = Math.floor((offset + length - 1) / 512) - Math.floor(offset / 512);
  const v = BigInt(offset) | (BigInt(extra) << BigInt(x)) | (BigInt(L2_COMPRESSED_HI) << 32n);
  return { hi: Number(v >> 32n), lo: Number(v & 0xffffffffn) };
}
