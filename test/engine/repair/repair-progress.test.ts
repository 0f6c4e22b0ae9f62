// repairImage's progress and cancellation: phases check → repair → recheck, complete and monotonic;
// an abort (already aborted, during the first progress call, or at any later one) fails with
// E_CANCELLED and leaves an image that reads as before and has no corruption (leaks allowed); the
// first call comes before any write, so an abort there leaves the file byte for byte.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { repairImage } from '../helpers/node-ops.js';
import { CHECK_FIXTURES } from '../../fixtures/check-corruptions.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import {
  abortedSignal,
  expectCancelled,
  expectNoCorruption,
  expectProgressComplete,
  recorder,
  sameContent,
} from '../helpers/long-op.js';
import { expectCheckClean } from '../helpers/helpers.js';

let root: string;
let n = 0;
const built = new Map<string, string>();
const LEAKY = [
  'leaked cluster (refcount 1 for a cluster nothing references)',
  'refcount too high (2 for a cluster referenced once)',
];

function copy(name: string): string {
  const dir = join(root, `c${n++}`);
  mkdirSync(dir);
  const f = join(dir, 'img.qcow2');
  copyFileSync(built.get(name)!, f);
  return f;
}

describe('check -r: progress and cancellation', () => {
  beforeAll(() => {
    root = makeScratchDir('repair-progress');
    for (const f of CHECK_FIXTURES.filter((x) => LEAKY.includes(x.name))) {
      const dir = join(root, `f${built.size}`);
      mkdirSync(dir);
      built.set(f.name, f.build(dir));
    }
  });
  afterAll(() => removeScratchDir(root));

  for (const name of LEAKY) {
    for (const mode of ['leaks', 'all'] as const) {
      test(`${name}, -r ${mode}: phases check, repair, recheck; complete; the image repaired`, async () => {
        const f = copy(name);
        const r = recorder();
        const report = await repairImage({ target: f, mode, ...r });
        expect(report.leaksFixed).toBeGreaterThan(0);
        expectProgressComplete(r.calls, ['check', 'repair', 'recheck']);
        expectCheckClean(f);
      });
    }

    test(`${name}: an already aborted signal leaves the file untouched`, async () => {
      const f = copy(name);
      await expectCancelled(repairImage({ target: f, mode: 'all', signal: abortedSignal() }));
      expect(readFileSync(f).equals(readFileSync(built.get(name)!))).toBe(true);
    });
  }

  // The leaked-cluster image has no corruption to start with ('too high' is one: COPIED with refcount 2).
  for (const name of LEAKY.slice(0, 1)) {
    test(`${name}: an abort at the first and at every later progress call leaves no corruption`, async () => {
      const full = recorder();
      await repairImage({ target: copy(name), mode: 'all', ...full });
      // The last calls come after the last write step: the repair is done by then.
      const lastStep = full.calls.findIndex((p) => p.phase === 'repair' && p.done === p.total);
      for (let k = 1; k <= lastStep; k++) {
        const f = copy(name);
        await expectCancelled(repairImage({ target: f, mode: 'all', ...recorder(k) }));
        expectNoCorruption(f);
        expect(sameContent(built.get(name)!, f), `abort at call ${k}`).toBe(true);
      }
      const first = copy(name);
      await expectCancelled(repairImage({ target: first, mode: 'all', ...recorder(1) }));
      expect(readFileSync(first).equals(readFileSync(built.get(name)!))).toBe(true);
    });
  }
});
