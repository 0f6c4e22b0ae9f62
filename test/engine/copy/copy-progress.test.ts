// Progress and cancellation of convert, commit and rebase at the library level: each phase's
// progress is monotonic and reaches its total; an already aborted signal, an abort during the first
// progress call and one half-way fail with E_CANCELLED and leave the chain reading as before, without
// corruption (qemu-img check: leaks allowed), and convert leaves no file at its destination.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { convertImage } from '../helpers/node-ops.js';
import { commitImage } from '../helpers/node-ops.js';
import { rebaseImage } from '../helpers/node-ops.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { qemuImg } from '../../fixtures/qemu.js';
import { buildChain, type TestChain } from '../helpers/chain-fixture.js';
import {
  abortedSignal,
  expectCancelled,
  expectNoCorruption,
  expectProgressComplete,
  recorder,
} from '../helpers/long-op.js';
import { expectIdentical } from '../helpers/helpers.js';

let root: string;
let n = 0;
function fresh(): TestChain & { flat: string } {
  const dir = join(root, `c${n++}`);
  mkdirSync(dir);
  const c = buildChain(dir);
  const flat = join(dir, 'flat.raw');
  qemuImg(['convert', '-O', 'raw', c.top, flat]);
  return { ...c, flat };
}

/** Calls a full run makes, to abort half-way through. */
async function callsOf(run: (r: ReturnType<typeof recorder>) => Promise<unknown>): Promise<number> {
  const r = recorder();
  await run(r);
  return r.calls.length;
}

const CHUNK = 1 << 20; // 16 progress steps over the 16 MiB chain

describe('convert, commit, rebase: progress and cancellation', () => {
  beforeAll(() => {
    root = makeScratchDir('copy-progress');
  });
  afterAll(() => removeScratchDir(root));

  for (const fmt of ['raw', 'qcow2'] as const) {
    test(`convert to ${fmt}: progress complete; aborts leave no file and no temporary`, async () => {
      const c = fresh();
      const out = (k: number) => join(c.dir, `out${k}.${fmt}`);
      const run = (r: object, k: number) =>
        convertImage({ source: c.top, target: out(k), targetFormat: fmt, chunkSize: CHUNK, ...r });
      const full = recorder();
      await run(full, 0);
      expectProgressComplete(full.calls, ['copy']);
      expect(full.calls.length).toBeGreaterThan(4);
      expectIdentical(c.flat, out(0));
      await expectCancelled(run({ signal: abortedSignal() }, 1));
      await expectCancelled(run(recorder(1), 2));
      await expectCancelled(run(recorder(Math.floor(full.calls.length / 2)), 3));
      for (const k of [1, 2, 3]) expect(existsSync(out(k))).toBe(false);
      expect(readdirSync(c.dir).filter((f) => f.includes('.vdisk-'))).toEqual([]);
      expectIdentical(c.flat, c.top);
    });
  }

  test('commit: progress complete; aborts leave the chain reading as before, no corruption', async () => {
    const c = fresh();
    const half = await callsOf((r) => commitImage({ image: fresh().top, ...r }));
    for (const r of [{ signal: abortedSignal() }, recorder(1), recorder(Math.floor(half / 2))]) {
      await expectCancelled(commitImage({ image: c.top, ...r }));
      expectIdentical(c.flat, c.top);
      expectNoCorruption(c.mid);
      expectNoCorruption(c.top);
    }
    const full = recorder();
    await commitImage({ image: c.top, ...full });
    expectProgressComplete(full.calls, ['commit', 'empty']);
    expectIdentical(c.flat, c.top);
  });

  test('rebase onto no backing file: progress complete; aborts leave the image reading as before', async () => {
    const c = fresh();
    const before = readFileSync(c.top);
    await expectCancelled(rebaseImage({ image: c.top, backing: null, chunkSize: CHUNK, signal: abortedSignal() }));
    expect(readFileSync(c.top).equals(before)).toBe(true);
    const half = await callsOf((r) => rebaseImage({ image: fresh().top, backing: null, chunkSize: CHUNK, ...r }));
    for (const r of [recorder(1), recorder(Math.floor(half / 2))]) {
      await expectCancelled(rebaseImage({ image: c.top, backing: null, chunkSize: CHUNK, ...r }));
      expectIdentical(c.flat, c.top);
      expectNoCorruption(c.top);
    }
    const full = recorder();
    await rebaseImage({ image: c.top, backing: null, chunkSize: CHUNK, ...full });
    expectProgressComplete(full.calls, ['rebase']);
    expectIdentical(c.flat, c.top);
  });
});
