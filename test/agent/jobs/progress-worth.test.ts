import { describe, expect, it } from 'vitest';
import { progressWorthSaying, type SaidProgress } from '../../../src/agent/jobs/progress-worth.js';

/** Feeds reports through the filter as run-job does; answers what watchers would see. */
function said(reports: { progress: number; step: string; stepProgress?: number }[]): SaidProgress[] {
  const out: SaidProgress[] = [];
  for (const r of reports) if (progressWorthSaying(out.at(-1), r.progress, r.step, r.stepProgress)) out.push({ ...r });
  return out;
}

/** A copy step of `chunks` reports inside a job where the step weighs `share` of the whole. */
function copyReports(chunks: number, share = 0.9) {
  return Array.from({ length: chunks }, (_, i) => {
    const stepProgress = (i + 1) / chunks;
    return { progress: 0.05 + share * stepProgress, step: 'copy', stepProgress };
  });
}

describe('progress events worth saying', () => {
  it('a 1 TiB copy in 4 MiB chunks says a bounded number, ending at 100 %', () => {
    const out = said(copyReports(262_144)); // the review measured one event per chunk before this
    expect(out.length).toBeLessThanOrEqual(1200);
    expect(out.at(-1)?.stepProgress).toBe(1);
    expect(out.map((e) => e.progress)).toEqual([...out.map((e) => e.progress)].sort((a, b) => a - b));
  });

  it('the same number for 1 GiB and 1 TiB: bounded by amount, not by size', () => {
    const small = said(copyReports(256)).length;
    const large = said(copyReports(262_144)).length;
    expect(small).toBeGreaterThan(100);
    expect(large).toBeLessThanOrEqual(small * 5);
  });

  it('a small copy still says every chunk', () => {
    expect(said(copyReports(21))).toHaveLength(21);
  });

  it('a new step is always said, and a repeat of the same figure never', () => {
    const out = said([
      { progress: 0.1, step: 'a' },
      { progress: 0.1, step: 'a' },
      { progress: 0.1, step: 'b' },
      { progress: 1, step: 'b' },
      { progress: 1, step: 'b' },
    ]);
    expect(out.map((e) => `${e.step}:${e.progress}`)).toEqual(['a:0.1', 'b:0.1', 'b:1']);
  });
});
