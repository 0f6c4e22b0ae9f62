// `npm run fuzz -- --count N --seed S [--workers W] [--start I] [--strict]`: the in-process fuzzer (issue 12,
// item 10). Builds the bases with qemu-img, runs N cases on W worker threads, prints the summary and
// saves defects to fuzz-crashers/. `--index I` replays one case in this thread with the full story.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBases } from './bases.js';
import { bundleFuzzWorker } from './bundle.js';
import { runPool } from './pool.js';
import { failures, saveCrashers, summary } from './report.js';
import { replayCase } from './replay.js';
import { MEM_BOUND_BYTES, TIMEOUT_MS } from './protocol.js';

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  if (at >= 0) return args[at + 1];
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function integer(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} takes a whole number, not ${text}`);
  return n;
}

export async function main(root: string, args: string[]): Promise<number> {
  const envSeed = process.env.VDISK_FUZZ_SEED;
  const seed = integer(option(args, 'seed') ?? envSeed, 'seed', Math.floor(Math.random() * 2 ** 32));
  const index = option(args, 'index');
  const scratch = mkdtempSync(join(tmpdir(), 'vdisk-fuzz-'));
  try {
    const bases = buildBases(scratch);
    if (index !== undefined) return await replayCase(seed, integer(index, 'index', 0), bases);
    const count = integer(option(args, 'count'), 'count', 1_000_000);
    const workers = integer(option(args, 'workers'), 'workers', 2);
    const start = integer(option(args, 'start'), 'start', 0);
    console.log(
      `fuzz seed ${seed}: ${count} cases from index ${start} on ${workers} worker(s); replay one with VDISK_FUZZ_SEED=${seed} npm run fuzz -- --index I`,
    );
    let next = 0;
    const result = await runPool(
      {
        seed,
        start,
        count,
        workers,
        timeoutMs: TIMEOUT_MS,
        memBoundBytes: MEM_BOUND_BYTES,
        workerFile: await bundleFuzzWorker(root),
        onProgress: (t) => {
          if (t.cases >= next) {
            console.log(`  ${t.cases} cases…`);
            next += Math.max(10_000, Math.ceil(count / 20));
          }
        },
      },
      bases,
    );
    console.log(summary(seed, workers, MEM_BOUND_BYTES, result));
    if (result.defects.length) console.log(`saved to ${saveCrashers(root, seed, result.defects)}`);
    return failures(result.defects, args.includes('--strict')).length ? 1 : 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
