// Writes the small demo chain `npm start` shows: a raw base and a qcow2 v3 overlay (64 KiB clusters)
// that names it with a recorded format. The overlay is written by the engine's own qcow2 writer
// (src/engine/qcow2/writer.ts), as `vdisk convert` writes one: a few guest clusters of its own,
// the rest unallocated so reads fall through to the base.
import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeFileTarget } from '../io/node-file-target.js';
import { Qcow2Writer } from '../engine/qcow2/writer.js';
import { qcow2Params } from '../engine/qcow2/options.js';

const CLUSTER = 65536;
const SIZE = 64 << 20;
const OWN_CLUSTERS = [1, 2, 40, 41, 42]; // guest clusters the overlay writes, each filled with 0x10 + i

export async function writeDemoChain(dir: string): Promise<{ base: string; top: string }> {
  await mkdir(dir, { recursive: true });
  const base = join(dir, 'base.raw');
  const top = join(dir, 'demo.qcow2');
  const raw = new Uint8Array(4 << 20);
  raw.fill(0x5a, 0, 2 << 20); // 2 MiB of data, then a tail that stays a hole
  await writeFile(base, raw);
  await truncate(base, SIZE);
  const target = await NodeFileTarget.create(top);
  try {
    const params = qcow2Params({ cluster_size: CLUSTER }, true);
    const writer = new Qcow2Writer(target, params, { size: SIZE, backing: { name: 'base.raw', format: 'raw' } });
    for (const [i, guest] of OWN_CLUSTERS.entries())
      await writer.data(guest * CLUSTER, new Uint8Array(CLUSTER).fill(0x10 + i));
    await writer.finish();
    await target.commit();
  } catch (e) {
    await target.abort();
    throw e;
  }
  return { base, top };
}
