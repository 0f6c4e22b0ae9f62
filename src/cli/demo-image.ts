// Writes the small demo chain `npm start` shows: a raw base and a qcow2 v3 overlay (64 KiB clusters)
// that names it with a recorded format. Laid out by hand, cluster by cluster (qcow2.txt "Header"):
//   0 header + extensions + backing name | 1 refcount table | 2 refcount block | 3 L1 | 4 L2 | 5.. data
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

const CLUSTER = 65536;
const SIZE = 64 << 20;

function header(backing: string, dataClusters: number): Uint8Array {
  const b = Buffer.alloc(CLUSTER);
  b.writeUInt32BE(0x514649fb, 0);
  b.writeUInt32BE(3, 4);
  b.writeUInt32BE(16, 20); // cluster_bits
  b.writeBigUInt64BE(BigInt(SIZE), 24);
  b.writeUInt32BE(1, 36); // l1_size
  b.writeBigUInt64BE(BigInt(3 * CLUSTER), 40);
  b.writeBigUInt64BE(BigInt(CLUSTER), 48);
  b.writeUInt32BE(1, 56); // refcount_table_clusters
  b.writeUInt32BE(4, 96); // refcount_order: 16-bit
  b.writeUInt32BE(112, 100); // header_length
  let p = 112;
  b.writeUInt32BE(0xe2792aca, p); b.writeUInt32BE(3, p + 4); b.write('raw', p + 8); p += 16; // backing format
  b.writeUInt32BE(0, p); b.writeUInt32BE(0, p + 4); p += 8; // end of extensions
  b.writeBigUInt64BE(BigInt(p), 8);
  b.writeUInt32BE(Buffer.byteLength(backing), 16);
  b.write(backing, p);
  return b;
}

export async function writeDemoChain(dir: string): Promise<{ base: string; top: string }> {
  await mkdir(dir, { recursive: true });
  const base = join(dir, 'base.raw');
  const top = join(dir, 'demo.qcow2');
  const raw = Buffer.alloc(4 << 20);
  raw.fill(0x5a, 0, 2 << 20); // 2 MiB of data, then a tail that stays a hole
  await writeFile(base, raw);
  const { truncate } = await import('node:fs/promises');
  await truncate(base, SIZE);
  const data = [1, 2, 40, 41, 42]; // guest clusters the overlay writes
  const img = Buffer.alloc((5 + data.length) * CLUSTER);
  Buffer.from(header('base.raw', data.length)).copy(img, 0);
  img.writeBigUInt64BE(BigInt(2 * CLUSTER), CLUSTER); // refcount table → block
  for (let c = 0; c < 5 + data.length; c++) img.writeUInt16BE(1, 2 * CLUSTER + c * 2);
  img.writeBigUInt64BE(BigInt(4 * CLUSTER) | (1n << 63n), 3 * CLUSTER); // L1 → L2, COPIED
  data.forEach((guest, i) => {
    const host = (5 + i) * CLUSTER;
    img.writeBigUInt64BE(BigInt(host) | (1n << 63n), 4 * CLUSTER + guest * 8);
    img.fill(0x10 + i, host, host + CLUSTER);
  });
  await writeFile(top, img);
  return { base, top };
}
