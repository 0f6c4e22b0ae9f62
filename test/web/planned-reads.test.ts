// The map picture of a picked file walks its L2 tables in file order through planned span reads:
// the same picture as the guest-order walk, from far fewer reads of the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { qemuImg, qemuIo } from '../fixtures/qemu.js';
import { createNodeEngine } from '../../src/engine/node-engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { openChain } from '../../src/engine/chain.js';
import { BlobSource, blobTimings } from '../../src/io/blob-source.js';
import { MemorySource } from '../../src/io/memory-source.js';
import { mapPicture } from '../../worker/map-picture.js';
import { PlannedReadSource, planSpans } from '../../worker/planned-reads.js';

const MiB = 1 << 20;

describe('planned span reads', () => {
  it('merges ranges closer than the gap, up to the span limit', () => {
    expect(planSpans([[300, 10], [0, 10], [20, 10], [1000, 10]], 2000, 100, 50)).toEqual([
      { start: 0, end: 30 }, { start: 300, end: 310 }, { start: 1000, end: 1010 },
    ]);
    expect(planSpans([[0, 60], [60, 60]], 2000, 100, 50)).toEqual([{ start: 0, end: 60 }, { start: 60, end: 120 }]);
    expect(planSpans([[1990, 64]], 2000)).toEqual([{ start: 1990, end: 2000 }]); // clipped at the end of the file
  });

  it('serves reads inside the plan from its spans and passes the others through', async () => {
    const bytes = new Uint8Array(4096).map((_, i) => i & 0xff);
    const src = new PlannedReadSource(new MemorySource(bytes), planSpans([[100, 50], [200, 50], [3000, 10]], bytes.length, 1024, 100));
    const read = async (off: number, len: number) => { const b = new Uint8Array(len); await src.pread(b, off); return b; };
    expect(await read(120, 100)).toEqual(bytes.subarray(120, 220));
    expect(await read(3000, 10)).toEqual(bytes.subarray(3000, 3010));
    expect(src.reads).toBe(2);
    expect(await read(240, 100)).toEqual(bytes.subarray(240, 340)); // crosses the span's end
    expect(src.reads).toBe(3);
  });
});

describe('map picture of a picked file (file-order walk)', () => {
  let dir: string;
  let engine: Engine;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vdisk-planned-'));
    engine = await createNodeEngine();
    const img = join(dir, 'scattered.qcow2');
    qemuImg(['create', '-q', '-f', 'qcow2', img, String(64 * 1024 * MiB)]);
    const cmds: string[] = [];
    let x = 11;
    for (let i = 0; i < 150; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const off = Math.floor((x / 2 ** 32) * (64 * 1024 - 1)) * MiB;
      cmds.push(i % 7 === 0 ? `write -z ${off} 64k` : i % 11 === 0 ? `write -c -P 0x22 ${off} 64k` : `write -P 0x5a ${off} 128k`);
    }
    qemuIo(img, cmds);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('matches the guest-order walk bucket for bucket, from fewer reads', async () => {
    const bytes = readFileSync(join(dir, 'scattered.qcow2'));
    const guestOrder = await openChain(engine, new MemorySource(new Uint8Array(bytes)));
    const want = await mapPicture(engine, guestOrder, 1024);
    await guestOrder.close();
    const before = blobTimings.reads;
    const picked = await openChain(engine, new BlobSource(new Blob([bytes]), 'scattered.qcow2'));
    const got = await mapPicture(engine, picked, 1024);
    await picked.close();
    expect(Array.from(got.bytes)).toEqual(Array.from(want.bytes));
    expect(got.virtualSize).toBe(want.virtualSize);
    const total = (kind: number) => Array.from(got.bytes).reduce((n, v, i) => (i % 4 === kind ? n + v : n), 0);
    expect([0, 1, 2, 3].map((k) => total(k) > 0)).toEqual([true, true, true, true]); // data, zero, unallocated, compressed
    // ~130 L2 tables, each once read on its own before; now a few spans (plus header and L1).
    expect(blobTimings.reads - before).toBeLessThan(20);
  });
});
