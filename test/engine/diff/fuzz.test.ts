// Fuzz: header and table bytes of valid images are damaged at random (fixed seed, printed on
// failure; VDISK_FUZZ_SEED and VDISK_FUZZ_ITERATIONS override) and fed to info, map, check and
// compare. Every run must answer or refuse with a typed, specific error: no crash, no hang, no
// catch-all code, and peak memory near Node's baseline.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_RSS_KIB } from '../../fixtures/expect-cli.js';
import { type Job, runBatch } from '../../fixtures/fuzz-batch.js';
import { FUZZ_BASES } from '../../fixtures/fuzz-bases.js';
import { type Mutation, mutate } from '../../fixtures/fuzz-mutate.js';
import { Rng } from '../../fixtures/fuzz-rng.js';
import { mutationTargets, type Region } from '../../fixtures/fuzz-targets.js';
import { qemuImg } from '../../fixtures/qemu.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { type FuzzVerb, judge } from './fuzz-judge.js';

const SEED = Number(process.env.VDISK_FUZZ_SEED ?? 0x5eed0003);
const ITERATIONS = Number(process.env.VDISK_FUZZ_ITERATIONS ?? 2000);
const BATCH = 250;
const VERBS: FuzzVerb[] = ['info', 'map', 'check', 'compare'];

interface Base {
  name: string;
  path: string;
  bytes: Buffer;
  targets: Region[];
  flat: string;
}

interface Case {
  base: Base;
  verb: FuzzVerb;
  mutations: Mutation[];
  file: string;
}

describe(`fuzzing image metadata (seed ${SEED}, ${ITERATIONS} runs)`, () => {
  let root: string;
  const bases: Base[] = [];
  beforeAll(() => {
    root = makeScratchDir('fuzz');
    for (const b of FUZZ_BASES) {
      const dir = join(root, b.name);
      mkdirSync(dir);
      const { path } = b.build(dir);
      const bytes = readFileSync(path);
      const flat = join(dir, 'flat.raw');
      qemuImg(['convert', '-O', 'raw', path, flat], dir);
      bases.push({ name: b.name, path, bytes, targets: mutationTargets(bytes), flat });
    }
  });
  afterAll(() => removeScratchDir(root));

  test('every damaged image is answered or refused with a specific code', async () => {
    const rng = new Rng(SEED);
    const cases: Case[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const base = rng.pick(bases);
      const { bytes, mutations } = mutate(base.bytes, base.targets, rng);
      // Mutants live beside their base so relative backing names still resolve.
      cases.push({ base, verb: VERBS[i % VERBS.length]!, mutations, file: join(dirname(base.path), `m${i}.qcow2`) });
      writeFileSync(cases[i]!.file, bytes);
    }
    const problems: string[] = [];
    const rss: number[] = [];
    const codes = new Map<string, number>();
    let answered = 0;
    const batches = [];
    for (let start = 0; start < cases.length; start += BATCH) batches.push(start);
    // Two batches at a time: the suite's budget is two cores.
    for (let k = 0; k < batches.length; k += 2) {
      await Promise.all(
        batches.slice(k, k + 2).map(async (start) => {
          const jobs: Job[] = cases.slice(start, start + BATCH).map((c, j) => ({
            id: start + j,
            argv: c.verb === 'compare' ? ['compare', c.file, c.base.flat] : [c.verb, '--output=json', c.file],
            cwd: dirname(c.file),
          }));
          const outcome = await runBatch(jobs, join(root, `batch-${start}.json`));
          for (const r of outcome.results) {
            const code = /\bE_[A-Z0-9_]+/.exec(r.err)?.[0];
            if (code) codes.set(code, (codes.get(code) ?? 0) + 1);
            else answered++;
            const why = judge(cases[r.id]!.verb, r);
            if (why) problems.push(describeCase(r.id, cases[r.id]!, why));
          }
          if (outcome.failure)
            problems.push(describeCase(outcome.failure.id, cases[outcome.failure.id], outcome.failure.reason));
          if (outcome.maxRssKiB !== undefined) rss.push(outcome.maxRssKiB);
          for (const j of jobs) rmSync(cases[j.id]!.file, { force: true });
        }),
      );
    }
    problems.sort((a, b) => Number(/^run (\d+)/.exec(a)?.[1]) - Number(/^run (\d+)/.exec(b)?.[1]));
    const { summary, examples } = summarise(problems);
    expect(
      problems,
      `fuzz seed ${SEED} (rerun with VDISK_FUZZ_SEED=${SEED}): ${problems.length} problems\n${summary}\n\n${examples.join('\n\n')}`,
    ).toEqual([]);
    // The fuzz must really reach both paths: answers and a variety of typed refusals.
    const seen = [...codes].map(([c, n]) => `${c}×${n}`).join(' ');
    expect(answered + [...codes.values()].reduce((a, b) => a + b, 0), `runs judged (${seen})`).toBe(ITERATIONS);
    expect(answered, seen).toBeGreaterThan(0);
    expect(codes.size, `distinct error codes seen: ${seen}`).toBeGreaterThanOrEqual(5);
    expect(Math.max(...rss), `peak RSS of a batch of ${BATCH} runs, seed ${SEED}`).toBeLessThanOrEqual(MAX_RSS_KIB);
  }, 600_000);
});

function describeCase(id: number, c: Case | undefined, why: string): string {
  if (!c) return `run ${id}: ${why}`;
  const muts = c.mutations
    .map((m) => `${m.region} @0x${m.offset.toString(16)} ${m.kind} ${m.before}→${m.after}`)
    .join('; ');
  return `run ${id} [${c.base.name}] vdisk ${c.verb}: ${why.slice(0, 600)}\n  mutations: ${muts}`;
}

/** Problems grouped by verb and kind, with two examples of each, so one bug does not hide the others. */
function summarise(problems: string[]): { summary: string; examples: string[] } {
  const groups = new Map<string, string[]>();
  for (const p of problems) {
    const m = /\] (vdisk \w+): ([^:]*)/.exec(p);
    const key = m ? `${m[1]}: ${m[2]!.slice(0, 60)}` : p.slice(0, 60);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return {
    summary: [...groups].map(([k, ps]) => `  ${ps.length} × ${k}`).join('\n'),
    examples: [...groups.values()].flatMap((ps) => ps.slice(0, 2)),
  };
}
