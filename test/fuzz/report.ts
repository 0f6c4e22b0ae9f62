// What a fuzz run prints, and the crasher file: one replayable line per defect, in a gitignored
// directory (fuzz-crashers/), so a defect found in a long run is never lost with the terminal.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Defect, Tally } from './protocol.js';
import type { PoolResult } from './pool.js';

const MiB = 2 ** 20;

export function replayCommand(seed: number, index: number): string {
  return `npm run fuzz -- --seed ${seed} --index ${index}`;
}

export function crasherLine(seed: number, d: Defect): string {
  const what = `${d.known ? 'known ' : ''}${d.kind}${d.step ? ` in ${d.step}` : ''} [${d.base}]: ${d.message.split('\n')[0]!.slice(0, 200)}${d.known ? ` (${d.known})` : ''}`;
  return `VDISK_FUZZ_SEED=${seed} index ${d.index}  # ${what} — replay: ${replayCommand(seed, d.index)}`;
}

/** Appends the run's defects to fuzz-crashers/seed-SEED.txt under `root`; returns the file. */
export function saveCrashers(root: string, seed: number, defects: Defect[]): string {
  const dir = join(root, 'fuzz-crashers');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `seed-${seed}.txt`);
  appendFileSync(file, defects.map((d) => `${crasherLine(seed, d)}\n`).join(''));
  return file;
}

/** Defects that fail a run: all of them with `strict`, else those known.ts does not recognise. */
export function failures(defects: Defect[], strict = false): Defect[] {
  return strict ? defects : defects.filter((d) => !d.known);
}

export function pastHeaderShare(t: Tally): number {
  return t.cases ? t.opened / t.cases : 0;
}

export function summary(seed: number, workers: number, memBoundBytes: number, r: PoolResult): string {
  const t = r.tally;
  const codes = Object.entries(t.codes).sort((a, b) => b[1] - a[1]);
  const lines = [
    `fuzz seed ${seed}: ${r.cases} cases on ${workers} worker(s) in ${r.seconds.toFixed(1)} s — ${(r.cases / r.seconds).toFixed(0)} cases/s (${t.cases} tallied)`,
    `past the header (image and chain opened): ${(pastHeaderShare(t) * 100).toFixed(1)} % (${t.opened})`,
    `Wasm memory high-water: ${(t.memHighBytes / MiB).toFixed(1)} MiB (bound ${(memBoundBytes / MiB).toFixed(0)} MiB)`,
    `refusals (step code × cases), ${codes.length} kinds: ${codes
      .slice(0, 24)
      .map(([k, n]) => `${k}×${n}`)
      .join(', ')}`,
  ];
  if (r.loadSpikes.length)
    lines.push(`over the limit once but not when run again alone (machine load): ${r.loadSpikes.length}`);
  const known = r.defects.filter((d) => d.known);
  const failures = r.defects.filter((d) => !d.known);
  lines.push(`known defects (docs/fuzz.md, not counted unless --strict): ${known.length}`);
  for (const d of known.slice(0, 5)) lines.push(`  ${crasherLine(seed, d)}`);
  lines.push(`defects: ${failures.length}`);
  for (const d of failures.slice(0, 20)) lines.push(`  ${crasherLine(seed, d)}\n    mutations: ${d.mutations}`);
  return lines.join('\n');
}
