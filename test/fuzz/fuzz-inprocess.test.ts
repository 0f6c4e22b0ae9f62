// Issue 12, item 10: 20,000 damaged images through the engine in-process (test/fuzz/, docs/fuzz.md):
// open with the chain, info listings, block status, guest reads, check, measure and convert into
// memory. Fails on a crash, a catch-all code, a case over 1 s twice (watchdog), Wasm memory over the
// bound or a leak; defects go to fuzz-crashers/ as replayable lines. The seed is fixed, so the suite
// passes or fails on the code alone, never on the date (its cases are the first 20,000 of the
// 1,000,000-case run in docs/fuzz.md); new corners are `npm run fuzz`'s job. VDISK_FUZZ_SEED and
// VDISK_FUZZ_CASES override the seed and the count.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type BaseImage, buildBases } from './bases.js';
import { bundleFuzzWorker } from './bundle.js';
import { runPool } from './pool.js';
import { MEM_BOUND_BYTES, TIMEOUT_MS } from './protocol.js';
import { failures, pastHeaderShare, saveCrashers, summary } from './report.js';
import { makeScratchDir, removeScratchDir } from '../fixtures/tmp-dir.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SEED = Number(process.env.VDISK_FUZZ_SEED ?? 20261207) >>> 0;
const COUNT = Number(process.env.VDISK_FUZZ_CASES ?? 20_000);

describe(`in-process fuzz of the engine (seed ${SEED}, ${COUNT} cases; replay: VDISK_FUZZ_SEED=${SEED} npm run fuzz -- --index I)`, () => {
  let scratch: string;
  let bases: BaseImage[];
  let workerFile: string;
  beforeAll(async () => {
    scratch = makeScratchDir('fuzz-inprocess');
    bases = buildBases(scratch);
    workerFile = await bundleFuzzWorker(root);
  }, 120_000);
  afterAll(() => removeScratchDir(scratch));

  test('every damaged image is answered or refused with a specific code, in bounded time and memory', async () => {
    const r = await runPool(
      {
        seed: SEED,
        start: 0,
        count: COUNT,
        workers: 2,
        timeoutMs: TIMEOUT_MS,
        memBoundBytes: MEM_BOUND_BYTES,
        workerFile,
      },
      bases,
    );
    const text = summary(SEED, 2, MEM_BOUND_BYTES, r);
    console.log(text);
    if (r.defects.length) console.log(`saved to ${saveCrashers(root, SEED, r.defects)}`);
    expect(failures(r.defects), text).toEqual([]);
    // The run really reached past the header and into many distinct refusals.
    expect(r.tally.cases, text).toBeGreaterThan(COUNT * 0.9);
    expect(pastHeaderShare(r.tally), text).toBeGreaterThan(0.5);
    expect(Object.keys(r.tally.codes).length, text).toBeGreaterThanOrEqual(10);
    expect(r.tally.memHighBytes, text).toBeLessThanOrEqual(MEM_BOUND_BYTES);
  }, 300_000);
});
