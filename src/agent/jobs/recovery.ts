// What the journal says of each job at start-up: its records grouped by job (one pass, so recovery
// is linear in the journal, which compaction bounds), and for an unfinished job the calls to replay
// (they ended), the calls in flight (started, never ended: they run again) and whether a cancel was asked.
import type { JournalRecord } from './journal.js';
import type { Replay } from './run-job.js';

export function recordsByJob(recs: readonly JournalRecord[]): Map<string, JournalRecord[]> {
  const byJob = new Map<string, JournalRecord[]>();
  for (const x of recs) {
    const list = byJob.get(x.job);
    if (list) list.push(x);
    else byJob.set(x.job, [x]);
  }
  return byJob;
}

export function resumePoint(mine: readonly JournalRecord[]): {
  replay: Replay;
  inFlight: Set<string>;
  cancelled: boolean;
} {
  const replay: Replay = new Map();
  const started = new Set<string>();
  for (const x of mine) {
    if (x.t === 'step-start') started.add(x.call);
    if (x.t === 'step-end') replay.set(x.call, { ok: x.ok, error: x.error });
  }
  const inFlight = new Set([...started].filter((k) => !replay.has(k)));
  return { replay, inFlight, cancelled: mine.some((x) => x.t === 'cancel') };
}
