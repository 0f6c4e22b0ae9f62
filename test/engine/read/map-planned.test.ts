// The map picture walks qcow2 layers in the file order of their L2 tables, reads those tables in
// planned spans and counts all-zero entries without the engine: the same picture as the engine's
// guest-order walk, bucket for bucket, from far fewer reads of a picked file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { qemuImg, qemuIo } from '../../fixtures/qemu.js';
import { createNodeEngine } from '../../../src/host/node-engine.js';
import type { Engine } from '../../../src/engine/core/engine.js';
import { openChain } from '../../../src/engine/read/chain.js';
import type { BackingGate } from '../../../src/engine/read/gate.js';
import { BlobSource, blobTimings } from '../../../src/io/blob-source.js';
import { MemorySource } from '../../../src/io/memory-source.js';
import { mapPicture } from '../../../src/engine/read/map-picture.js';
import { mapGap } from '../../../worker/map-gap.js';

const MiB = 1 << 20;

/** `count` deterministic writes over `sizeMiB`: data, zero and compressed clusters. */
function scatter(img: string, sizeMiB: number, count: number, seed: number, clusterK = 64): void {
  const cmds: string[] = [];
  let x = seed;
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const off = Math.floor((x / 2 ** 32) * (sizeMiB - 1)) * MiB;
    cmds.push(
      i % 7 === 0
        ? `write -z ${off} 64k`
        : i % 11 === 0
          ? `write -c -P 0x22 ${off} ${clusterK}k`
          : `write -P 0x5a ${off} 128k`,
    );
  }
  qemuIo(img, cmds);
}

/** Picked files: backing names resolve among `files`. */
const gateOf = (files: Record<string, Uint8Array<ArrayBuffer>>): BackingGate => ({
  identify: async (s) => s.name,
  open: async (req) => ({
    source: new BlobSource(new Blob([files[req.name]!]), req.name),
    identity: req.name,
    resolved: req.name,
  }),
});

describe('map picture of qcow2 layers (file-order walk)', () => {
  let dir: string;
  let engine: Engine;
  const bytes = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vdisk-planned-'));
    engine = await createNodeEngine();
    qemuImg(['create', '-q', '-f', 'qcow2', join(dir, 'scattered.qcow2'), String(64 * 1024 * MiB)]);
    scatter(join(dir, 'scattered.qcow2'), 64 * 1024, 150, 11);
    // A chain: a smaller base and an extended-L2 top over it.
    qemuImg(['create', '-q', '-f', 'qcow2', join(dir, 'base.qcow2'), String(6 * 1024 * MiB)]);
    scatter(join(dir, 'base.qcow2'), 6 * 1024, 40, 5);
    qemuImg(
      [
        'create',
        '-q',
        '-f',
        'qcow2',
        '-o',
        'extended_l2=on,cluster_size=128k',
        '-b',
        'base.qcow2',
        '-F',
        'qcow2',
        join(dir, 'top.qcow2'),
        String(8 * 1024 * MiB),
      ],
      dir,
    );
    scatter(join(dir, 'top.qcow2'), 8 * 1024, 60, 3, 128);
    qemuIo(join(dir, 'top.qcow2'), ['write -P 0x33 4k 8k', 'write -z 1M 32k'], { cwd: dir }); // subclusters
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('matches the guest-order walk bucket for bucket, from fewer reads', async () => {
    const image = bytes('scattered.qcow2');
    const guestOrder = await openChain(engine, new MemorySource(image));
    const want = await mapPicture(engine, guestOrder, 1024, { planned: false });
    await guestOrder.close();
    const before = blobTimings.reads;
    const picked = await openChain(engine, new BlobSource(new Blob([image]), 'scattered.qcow2'));
    const got = await mapPicture(engine, picked, 1024, { gap: mapGap });
    await picked.close();
    expect(Array.from(got.bytes)).toEqual(Array.from(want.bytes));
    expect(got.virtualSize).toBe(want.virtualSize);
    const total = (kind: number) => Array.from(got.bytes).reduce((n, v, i) => (i % 4 === kind ? n + v : n), 0);
    expect([0, 1, 2, 3].map((k) => total(k) > 0)).toEqual([true, true, true, true]); // data, zero, unallocated, compressed
    // ~130 L2 tables, each once read on its own before; now a few spans (plus header and L1).
    expect(blobTimings.reads - before).toBeLessThan(20);
  });

  it('matches it for a backing chain with extended L2 entries and a smaller base', async () => {
    const files = { 'base.qcow2': bytes('base.qcow2'), 'top.qcow2': bytes('top.qcow2') };
    const open = () =>
      openChain(engine, new BlobSource(new Blob([files['top.qcow2']]), 'top.qcow2'), { gate: gateOf(files) });
    const plain = await open();
    const want = await mapPicture(engine, plain, 512, { planned: false });
    await plain.close();
    const chain = await open();
    const got = await mapPicture(engine, chain, 512, { gap: mapGap });
    await chain.close();
    expect(got.layers).toBe(2);
    expect(Array.from(got.bytes)).toEqual(Array.from(want.bytes));
  });
});
