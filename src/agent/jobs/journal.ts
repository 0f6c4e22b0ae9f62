// The agent's journal: one JSON object per line, appended and fsync'd before the agent acts on it,
// so after a crash it says which plans were running, which steps had started and which had ended.
// A torn last line (the crash hit mid-write) is ignored; nothing before it can be torn. Mode 0600.
import { closeSync, existsSync, fsyncSync, mkdirSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { openPrivateAppend, tighten } from '../../auth/private-files.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import type { Plan } from '../../plan/plan-schema.js';
import type { RunReport } from '../../plan/execute.js';
import type { JobState } from './job-state.js';

export interface StepError {
  code: string;
  message: string;
}

export interface RenamedFile {
  from: string;
  to: string;
  dev: number;
  ino: number;
}

export type JournalRecord =
  /** `caller`: who started the job (absent in journals written before callers had names). */
  | { t: 'job'; job: string; plan: Plan; key?: string; bodyHash?: string; caller?: string; at: string }
  /** `call` is the step id, or `STEP/undo/INDEX` for the INDEX-th undo call of STEP. */
  | { t: 'step-start'; job: string; call: string; action: string; at: string }
  | { t: 'step-end'; job: string; call: string; ok: boolean; error?: StepError; at: string }
  /** The inodes a rename-volumes call moves, journaled before the first rename (rename-volumes.ts). */
  | { t: 'rename'; job: string; call: string; files: RenamedFile[]; at: string }
  | { t: 'cancel'; job: string; at: string }
  | { t: 'resume'; job: string; at: string }
  | { t: 'end'; job: string; state: JobState; report?: RunReport; error?: StepError; at: string };

export class Journal {
  private fd: number;

  private constructor(
    readonly path: string,
    readonly records: JournalRecord[],
  ) {
    tighten(path, 0o600, false); // a journal made before modes were enforced (never a link's target)
    this.fd = openPrivateAppend(path);
  }

  static open(path: string): Journal {
    mkdirSync(dirname(path), { recursive: true });
    return new Journal(path, existsSync(path) ? readRecords(path) : []);
  }

  /** Appends and flushes to disk; returns once the record would survive a crash. */
  append(record: JournalRecord): void {
    // After close the descriptor number may belong to another file: never write through it.
    if (this.fd < 0) throw new VdiskError('E_AGENT_JOURNAL', `${this.path} is closed`, { path: this.path });
    try {
      writeSync(this.fd, `${JSON.stringify(record)}\n`);
      fsyncSync(this.fd);
    } catch (e) {
      throw new VdiskError('E_AGENT_JOURNAL', `cannot append to ${this.path}: ${(e as Error).message}`, {
        path: this.path,
      });
    }
    this.records.push(record);
  }

  /** After compaction renamed a shorter journal over this one: append to the new file from now on. */
  reopen(records: JournalRecord[]): void {
    this.close();
    this.fd = openPrivateAppend(this.path);
    this.records.length = 0;
    for (const r of records) this.records.push(r);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

function readRecords(path: string): JournalRecord[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: JournalRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as JournalRecord);
    } catch {
      if (i < lines.length - 2)
        throw new VdiskError('E_AGENT_JOURNAL', `${path}: line ${i + 1} is not JSON`, { path, offset: i });
    }
  });
  return out;
}

export const now = (): string => new Date().toISOString();
