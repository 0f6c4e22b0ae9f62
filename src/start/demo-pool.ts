// The demo storage `vdisk start` makes: two pool directories, images written by the engine itself
// (convertImage from an in-memory pattern; the overlay a shallow copy onto base.qcow2), one of them a backing chain.
//   pool-a/base.qcow2   64 MiB, 8 MiB of data           pool-b/  (empty: the target of moves)
//   pool-a/disk.qcow2   overlay on base.qcow2 with data
//   pool-a/vm-root.qcow2  the demo VM's disk (when QEMU is installed)
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Engine } from '../engine/core/engine.js';
import { convertImage } from '../engine/ops/index.js';
import { MemorySource } from '../io/memory-source.js';
import { nodeHost } from '../host/node-host.js';
import { writeDemoChain } from './demo-image.js';

const MiB = 1 << 20;

export interface DemoPool {
  dir: string;
  pools: { name: string; dir: string }[];
  vmDisk: string;
  /** The images written here, with the format they were written in (stated to the agent, never probed). */
  adopt: { volume: string; format: 'qcow2' }[];
}

/** A guest image with `dataMiB` of patterned data at the start and holes after it. */
function pattern(sizeMiB: number, dataMiB: number, seed: number): MemorySource {
  const bytes = new Uint8Array(sizeMiB * MiB);
  for (let i = 0; i < dataMiB * MiB; i += 4096) bytes.fill((seed + i / 4096) & 0xff, i, i + 4096);
  return new MemorySource(bytes, {
    name: `pattern-${seed}`,
    extents: [
      { start: 0, length: dataMiB * MiB, data: true },
      { start: dataMiB * MiB, length: (sizeMiB - dataMiB) * MiB, data: false, zero: true },
    ],
  });
}

export async function makeDemoPool(engine: Engine, dir: string, withVm: boolean): Promise<DemoPool> {
  const a = join(dir, 'pool-a');
  const b = join(dir, 'pool-b');
  // The directory is prepared by start-dir.ts (fresh, empty, or cleared of our own files only).
  for (const d of [a, b]) mkdirSync(d, { recursive: true });
  const host = nodeHost();
  await convertImage({
    engine,
    ...host,
    source: pattern(64, 8, 1),
    target: join(a, 'base.qcow2'),
    targetFormat: 'qcow2',
  });
  // The overlay's own clusters come from the demo chain's top layer (a shallow copy onto base.qcow2).
  const scratch = mkdtempSync(join(tmpdir(), 'vdisk-demo-src-')); // private, never a guessable name
  const { top } = await writeDemoChain(scratch);
  try {
    await convertImage({
      engine,
      ...host,
      source: top,
      target: join(a, 'disk.qcow2'),
      targetFormat: 'qcow2',
      backing: { name: 'base.qcow2', format: 'qcow2' },
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const vmDisk = join(a, 'vm-root.qcow2');
  if (withVm) await convertImage({ engine, ...host, source: pattern(32, 4, 7), target: vmDisk, targetFormat: 'qcow2' });
  const written = ['base.qcow2', 'disk.qcow2', ...(withVm ? ['vm-root.qcow2'] : [])];
  const adopt = written.map((f) => ({ volume: `pool-a:${f}`, format: 'qcow2' as const }));
  return {
    dir,
    pools: [
      { name: 'pool-a', dir: a },
      { name: 'pool-b', dir: b },
    ],
    vmDisk,
    adopt,
  };
}
