// The fuzzer's own machinery (test/fuzz/): the verdict on what a step threw, and the watchdog, which
// must end a case that never returns from a synchronous call, record it once it overran twice, and
// run every other case of the range.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type BaseImage, buildBases } from './bases.js';
import { bundleFuzzWorker } from './bundle.js';
import { judgeError } from './judge.js';
import { runPool } from './pool.js';
import { MEM_BOUND_BYTES } from './protocol.js';
import { crasherLine } from './report.js';
import { makeScratchDir, removeScratchDir } from '../fixtures/tmp-dir.js';
import { VdiskError } from '../../src/errors/vdisk-error.js';
import { statusName } from '../../src/engine/core/codes.js';

describe('fuzz verdicts', () => {
  test('a Wasm trap or a plain exception is a crash', () => {
    expect(judgeError(new WebAssembly.RuntimeError('unreachable')).defect?.kind).toBe('crash');
    expect(judgeError(new RangeError('Invalid typed array length')).defect?.kind).toBe('crash');
    expect(judgeError('thrown string').defect?.kind).toBe('crash');
  });
  test('catch-all and host-misuse codes are defects; specific codes are refusals', () => {
    for (const code of [
      'E_AGENT_INTERNAL',
      'E_GATEWAY_INTERNAL',
      statusName(999),
      'E_BAD_SLOT',
      'E_BAD_ARGUMENT',
      'E_USAGE',
    ]) {
      expect(judgeError(new VdiskError(code)).defect?.kind, code).toBe('catch-all');
    }
    expect(judgeError(new VdiskError('E_QCOW2_BAD_L2'))).toEqual({ code: 'E_QCOW2_BAD_L2' });
  });
  test('a crasher line replays: seed and index, and the command', () => {
    const line = crasherLine(7, {
      index: 42,
      kind: 'crash',
      step: 'read',
      base: 'v3',
      mutations: '',
      message: 'RangeError: x\n  at y',
    });
    expect(line).toBe(
      'VDISK_FUZZ_SEED=7 index 42  # crash in read [v3]: RangeError: x — replay: npm run fuzz -- --seed 7 --index 42',
    );
  });
});

describe('the fuzz watchdog', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  let scratch: string;
  let bases: BaseImage[];
  let workerFile: string;
  beforeAll(async () => {
    scratch = makeScratchDir('fuzz-harness');
    bases = buildBases(scratch);
    workerFile = await bundleFuzzWorker(root);
  }, 120_000);
  afterAll(() => removeScratchDir(scratch));

  test('a case that never returns is terminated, recorded as a hang, and the range goes on past it', async () => {
    const r = await runPool(
      {
        seed: 1,
        start: 0,
        count: 200,
        workers: 2,
        timeoutMs: 1000,
        memBoundBytes: MEM_BOUND_BYTES,
        workerFile,
        spinAt: [40],
      },
      bases,
    );
    expect(r.defects.filter((d) => !d.known).map((d) => [d.index, d.kind])).toEqual([[40, 'hang']]);
    expect(r.defects[0]!.message).toMatch(/twice/);
    // Worker 0 ran 0, 2, …, 38 and was replaced at 40; its successor ran 42 … 198; worker 1 all odd ones.
    // (Cases the hung worker ran but had not posted yet are missing from the tally, at most 250 ms of them.)
    expect(r.tally.cases).toBeGreaterThan(150);
    expect(r.tally.cases).toBeLessThan(200);
  }, 120_000);
});
