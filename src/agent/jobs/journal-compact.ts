// Journal compaction: finished jobs beyond the newest `keepJobs`, or ended more than `keepMs` ago,
// move from journal.jsonl to the history file (src/agent/jobs/job-history.ts), so the journal — and the
// replay at start — stays bounded by the open jobs plus a few recent ones. Order of the steps, and
// what a crash after each leaves:
//   1. their statuses are appended to history.jsonl and fsync'd   → the journal still has them: the
//      next compaction appends them again (the history index keeps one entry per id)
//   2. the journal without them is written to journal.jsonl.tmp and fsync'd → the old journal stands
//   3. the temp file is renamed over journal.jsonl, the directory fsync'd → the new journal stands
// Either journal recovers the same open jobs: only records of finished jobs are left out.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { createPrivateTemp } from '../../auth/private-files.js';
import { isFinal } from './job-state.js';
import type { Job } from './job.js';
import type { JobHistory } from './job-history.js';
import type { Journal } from './journal.js';

export interface KeepPolicy {
  keepJobs: number;
  keepMs: number;
}
export type CompactStep = 'history-written' | 'journal-written' | 'journal-renamed';
/** A test hook: called after each step (a test throws from it to simulate a crash there). */
export type AfterStep = (step: CompactStep) => void;

/** Finished jobs the policy moves out: beyond the newest `keepJobs` by end time, or ended too long ago. */
export function jobsToMove(jobs: Iterable<Job>, policy: KeepPolicy, now: number): Job[] {
  const finished = [...jobs]
    .filter((j) => isFinal(j.state))
    .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
  // Oldest first, so history.jsonl reads in the order jobs ended.
  return finished.filter((j, i) => i >= policy.keepJobs || Date.parse(j.updatedAt) < now - policy.keepMs).reverse();
}

/** Compaction is due after a job ends once the journal holds a quarter more finished jobs than kept, or an expired one. */
export function compactionDue(jobs: Iterable<Job>, policy: KeepPolicy, now: number): boolean {
  let finished = 0;
  for (const j of jobs) {
    if (!isFinal(j.state)) continue;
    if (Date.parse(j.updatedAt) < now - policy.keepMs) return true;
    finished++;
  }
  return finished > policy.keepJobs + Math.max(1, Math.ceil(policy.keepJobs / 4));
}

export function compactJournal(journal: Journal, history: JobHistory, moved: Job[], after: AfterStep = () => {}): void {
  if (!moved.length) return;
  // A job with orphans or stuck steps keeps its plan: POST /v1/jobs/:id/retry builds the retry from it.
  const retryable = moved.filter((j) => j.report && (j.report.orphans.length > 0 || j.report.retry.length > 0));
  history.append(
    moved.map((j) => j.status()),
    new Map(retryable.map((j) => [j.id, j.plan])),
  );
  after('history-written');
  const ids = new Set(moved.map((j) => j.id));
  const kept = journal.records.filter((r) => !ids.has(r.job));
  const tmp = `${journal.path}.tmp`;
  const fd = createPrivateTemp(tmp);
  try {
    writeSync(fd, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  after('journal-written');
  renameSync(tmp, journal.path);
  // Appends go to the new file at once, even if the directory sync below fails.
  journal.reopen(kept);
  const dir = openSync(dirname(journal.path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
  after('journal-renamed');
}
