// resizeImage's progress and cancellation: phases header → clear → tail for a qcow2 shrink, an abort
// at any progress call leaves either the old image or the new one (never the old size over a cleared
// tail) that qemu-img check finds free of corruption, and a grow after a shrink stopped past its
// header reads zeros in the grown range.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resizeImage } from '../helpers/node-ops.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { qemuImg, qemuIo } from '../../fixtures/qemu.js';
import {
  abortedSignal,
  expectCancelled,
  expectNoCorruption,
  expectProgressComplete,
  recorder,
  sameContent,
  virtualSize,
} from '../helpers/long-op.js';
import { expectCheckClean, expectIdentical } from '../helpers/helpers.js';

const MiB = 2 ** 20,
  GiB = 2 ** 30;
let root: string;
let n = 0;
let src: { old: string; shrunk: string };

/** A fresh copy of the 4 GiB image, in its own directory. */
function copy(): string {
  const dir = join(root, `r${n++}`);
  mkdirSync(dir);
  const f = join(dir, 'img.qcow2');
  copyFileSync(src.old, f);
  return f;
}

/** The image reads as the old one or as qemu-img's shrink of it, and has no corruption. */
function expectOldOrNew(f: string): 'old' | 'new' {
  expectNoCorruption(f);
  const size = virtualSize(f);
  expect([4 * GiB, GiB]).toContain(size);
  const state = size === GiB ? 'new' : 'old';
  expect(sameContent(state === 'new' ? src.shrunk : src.old, f), `reads as the ${state} image`).toBe(true);
  return state;
}

const shrink = (image: string, extra: object = {}) =>
  resizeImage({ image, size: GiB, shrink: true, batchBytes: 1, ...extra });

describe('resize: progress and cancellation', () => {
  beforeAll(() => {
    root = makeScratchDir('resize-progress');
    const old = join(root, 'old.qcow2');
    qemuImg(['create', '-q', '-f', 'qcow2', '-o', 'cluster_size=65536', old, '4G']);
    const io = ['write -P 0x11 0 1M'];
    for (let at = 512 * MiB, i = 0; at < 4 * GiB; at += 256 * MiB, i++) io.push(`write -P ${0x20 + i} ${at} 1M`);
    qemuIo(old, io);
    const shrunk = join(root, 'shrunk.qcow2');
    copyFileSync(old, shrunk);
    qemuImg(['resize', '-q', '--shrink', shrunk, '1G']);
    src = { old, shrunk };
  });
  afterAll(() => removeScratchDir(root));

  test("qcow2 shrink: phases header, clear, tail; monotonic, complete; reads as qemu-img's shrink", async () => {
    const f = copy();
    const r = recorder();
    await shrink(f, r);
    expectProgressComplete(r.calls, ['header', 'clear', 'tail']);
    expect(r.calls.filter((p) => p.phase === 'clear').length).toBeGreaterThan(4); // a flush per L2 table
    expectCheckClean(f);
    expectIdentical(src.shrunk, f);
  });

  test('an already aborted signal: E_CANCELLED, the file untouched', async () => {
    const f = copy();
    await expectCancelled(shrink(f, { signal: abortedSignal() }));
    expect(readFileSync(f).equals(readFileSync(src.old))).toBe(true);
  });

  test('an abort during the first progress call: E_CANCELLED, the old image', async () => {
    const f = copy();
    await expectCancelled(shrink(f, recorder(1)));
    expect(expectOldOrNew(f)).toBe('old');
  });

  test('an abort at every later progress call: the old image or the new one, no corruption', async () => {
    const full = recorder();
    await shrink(copy(), full);
    const states: string[] = [];
    for (let k = 2; k < full.calls.length; k++) {
      const f = copy();
      await expectCancelled(shrink(f, recorder(k)));
      states.push(expectOldOrNew(f));
    }
    expect(states).toContain('new'); // the header goes first: every abort after it reads as the new image
  }, 60_000);

  test('a grow after a shrink stopped right after its header reads zeros past the old end', async () => {
    const f = copy();
    const r = recorder();
    const stopAfterHeader = new AbortController();
    await expectCancelled(
      shrink(f, {
        signal: stopAfterHeader.signal,
        onProgress: (p: { phase: string }) => {
          r.onProgress(p as never);
          if (p.phase === 'clear') stopAfterHeader.abort();
        },
      }),
    );
    expect(expectOldOrNew(f)).toBe('new');
    await resizeImage({ image: f, size: 4 * GiB });
    const want = join(root, `grown${n++}.qcow2`);
    copyFileSync(src.shrunk, want);
    qemuImg(['resize', '-q', want, '4G']);
    expectIdentical(want, f);
    expectNoCorruption(f);
  });

  test('grow and raw resize report one complete phase', async () => {
    const f = copy();
    const r = recorder();
    await resizeImage({ image: f, size: 8 * GiB, ...r });
    expectProgressComplete(r.calls, ['clear', 'header']);
    const raw = join(root, 'img.raw');
    qemuImg(['create', '-q', '-f', 'raw', raw, '64M']);
    const rr = recorder();
    await resizeImage({ image: raw, format: 'raw', size: 32 * MiB, shrink: true, ...rr });
    expectProgressComplete(rr.calls, ['resize']);
    expect(virtualSize(raw)).toBe(32 * MiB);
    await expectCancelled(
      resizeImage({ image: raw, format: 'raw', size: 16 * MiB, shrink: true, signal: abortedSignal() }),
    );
    expect(virtualSize(raw)).toBe(32 * MiB);
  });
});
