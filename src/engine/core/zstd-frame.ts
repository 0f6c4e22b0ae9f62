// Length of the zstd frame at the start of `buf` (RFC 8878 §3.1.1). A compressed qcow2 cluster's
// sector-rounded size includes bytes after the frame (often the next cluster's frame); QEMU streams
// until the output is full, fzstd would decode on into them, so the frame is cut out first.
const MAGIC = 0xfd2fb528;

export function zstdFrameLength(buf: Uint8Array): number | undefined {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 6 || dv.getUint32(0, true) !== MAGIC) return undefined;
  const fhd = buf[4]!;
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  const checksum = (fhd >> 2) & 1;
  const dictIdFlag = fhd & 3;
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag]!;
  let p = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][dictIdFlag]! + fcsBytes;
  for (;;) {
    if (p + 3 > buf.length) return undefined;
    const h = buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16);
    const last = h & 1;
    const type = (h >> 1) & 3;
    const size = h >>> 3;
    if (type === 3) return undefined; // reserved block type
    p += 3 + (type === 1 ? 1 : size); // an RLE block stores one byte
    if (last) break;
  }
  p += checksum ? 4 : 0;
  return p <= buf.length ? p : undefined;
}
