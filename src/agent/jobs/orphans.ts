// Orphans keep their identity: a file a job's cleanup could not wipe or delete (RunReport.orphans)
// stays that job's orphan across rescans and restarts, until a retry deletes it. The register
// (`orphans.json` in the state dir, 0600, written whole and renamed) is filled only from the agent's
// own run reports, the ones it journals at a job's end, never from a request; each entry names the
// file by path and by device and inode, so a new file later made under the same name is no orphan.
// An entry whose file is gone or is another file is dropped whenever the register is read.
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { Orphan, RunReport } from '../../plan/execute.js';
import type { Inventory } from '../../plan/inventory.js';
import { isVdiskError } from '../../errors/vdisk-error.js';
import type { AgentContext } from '../context.js';
import type { JournalRecord } from './journal.js';
import { readJson, writeJsonAtomic } from './orphans-file.js';
import { entryFault } from './orphans-shape.js';

export interface OrphanEntry {
  path: string;
  job: string;
  dev: string;
  ino: string;
  /** Birth time (ns): a file made after the orphan was removed may get its inode number back at once. */
  birth?: string;
  reason: string;
}

type Volume = Inventory['volumes'][number];
type Ctx = Pick<AgentContext, 'stateDir' | 'roots' | 'log'>;

const registerPath = (ctx: Ctx) => join(ctx.stateDir, 'orphans.json');

type Identity = Pick<OrphanEntry, 'dev' | 'ino' | 'birth'>;

/**
 * Device, inode and birth time of the file `path` names now (not following a symlink), or undefined
 * when it is gone. The inode alone is no identity: ext4 hands a freed inode number to the next file
 * made, so an orphan removed by hand and a new image made under its name share it; the birth time
 * (statx btime) tells them apart (0 where the file system keeps none: then device and inode decide).
 */
function identity(path: string): Identity | undefined {
  const st = lstatSync(path, { bigint: true, throwIfNoEntry: false });
  return st?.isFile() ? { dev: String(st.dev), ino: String(st.ino), birth: String(st.birthtimeNs) } : undefined;
}

const sameFile = (now: Identity, o: Identity) =>
  now.dev === o.dev && now.ino === o.ino && (o.birth === undefined || o.birth === now.birth);

/** The register's entries whose file is still there and still the same file (the rest dropped and saved). */
export function liveOrphans(ctx: Ctx): OrphanEntry[] {
  const { entries: all, dropped } = readRegister(ctx);
  const live = all.filter((o) => {
    const now = identity(o.path);
    return now !== undefined && sameFile(now, o);
  });
  if (dropped || live.length !== all.length) {
    writeJsonAtomic(registerPath(ctx), live);
    ctx.log('orphans-gone', { jobs: [...new Set(all.filter((o) => !live.includes(o)).map((o) => o.job))] });
  }
  return live;
}

/**
 * The orphans of `job`'s report a retry may still clean up. A cleanup that deletes a file runs only
 * while that file is still the one the register holds for the job (same path, device and inode): one
 * removed by hand is left out (nothing to do), and so is a file made under its name since (not the
 * orphan: a retry must never delete it). Cleanups that name no file are kept.
 */
export function retryableOrphans(ctx: Ctx, job: string, orphans: readonly Orphan[]): Orphan[] {
  const held = new Set(
    liveOrphans(ctx)
      .filter((o) => o.job === job)
      .map((o) => o.path),
  );
  return orphans.filter((o) => {
    const c = o.cleanup;
    return (c.action !== 'delete-file' && c.action !== 'delete-volume') || held.has(c.params.path);
  });
}

/**
 * The register's well-formed entries (orphans-shape.ts); `dropped` counts the others, each logged
 * `orphans-unreadable` with its code. A register that cannot be read at all (too large, not JSON, not
 * a list) gives no entries and is logged once per version of the file; it is left as it is.
 */
function readRegister(ctx: Ctx): { entries: OrphanEntry[]; dropped: number } {
  let raw: unknown;
  try {
    raw = readJson(registerPath(ctx));
  } catch (e) {
    if (!isVdiskError(e)) throw e;
    logOnce(ctx, e.code, e.message);
    return { entries: [], dropped: 0 };
  }
  if (raw === undefined) return { entries: [], dropped: 0 };
  if (!Array.isArray(raw)) {
    logOnce(ctx, 'E_AGENT_STATE_BAD', 'the orphan register is not a list');
    return { entries: [], dropped: 0 };
  }
  const entries: OrphanEntry[] = [];
  raw.forEach((e: unknown, index) => {
    const code = entryFault(ctx.roots, e);
    if (code) ctx.log('orphans-unreadable', { code, index });
    else entries.push(e as OrphanEntry);
  });
  return { entries, dropped: raw.length - entries.length };
}

/** Logs a whole-register fault once while the file stays as it is (every inventory build reads it). */
function logOnce(ctx: Ctx, code: string, message: string): void {
  const st = lstatSync(registerPath(ctx), { throwIfNoEntry: false });
  const version = `${code}:${st?.size}:${st?.mtimeMs}:${st?.ino}`;
  if (logged.get(ctx.stateDir) === version) return;
  logged.set(ctx.stateDir, version);
  ctx.log('orphans-unreadable', { code, message });
}
const logged = new Map<string, string>();

/** Paths of a report's orphans: the files its failed or unrun cleanup would have wiped or deleted. */
function orphanPaths(report: RunReport | undefined): { path: string; reason: string }[] {
  // A journaled report is read back as written: anything but a list of orphans with string paths registers nothing.
  const orphans: unknown = report?.orphans;
  return (Array.isArray(orphans) ? (orphans as Partial<Orphan>[]) : []).flatMap((o) =>
    typeof o?.path === 'string' ? [{ path: o.path, reason: String(o.reason ?? '') }] : [],
  );
}

/** Called with a job's own report as it ends (before its end is journaled): registers the files left. */
export function noteJobEnd(ctx: Ctx, job: string, report: RunReport | undefined): void {
  const left = orphanPaths(report).filter((o) => ctx.roots.allows(o.path));
  if (!left.length) return;
  const entries = liveOrphans(ctx);
  let added = 0;
  for (const { path, reason } of left) {
    const id = identity(path);
    if (!id) continue;
    const same = entries.findIndex((e) => e.path === path);
    if (same >= 0) entries.splice(same, 1); // a retry that failed again: the file is now its orphan
    entries.push({ path, job, ...id, reason });
    added++;
  }
  if (added) writeJsonAtomic(registerPath(ctx), entries);
}

/**
 * First start with a journal written before the register existed: the ended jobs it holds register
 * their orphans (in journal order, so a later job's claim on a path wins). Later starts read the register.
 */
export function seedFromJournal(ctx: Ctx, records: readonly JournalRecord[]): void {
  if (existsSync(registerPath(ctx))) return;
  writeJsonAtomic(registerPath(ctx), []);
  for (const r of records) if (r.t === 'end') noteJobEnd(ctx, r.job, r.report);
}

/** Marks the scanned volumes that are registered orphans (state `orphan`, `orphanOf` the job); clears stale marks. */
export function markOrphans(ctx: Ctx, volumes: Iterable<Volume>): void {
  const byPath = new Map(liveOrphans(ctx).map((o) => [o.path, o]));
  for (const v of volumes) {
    const o = byPath.get(v.path);
    if (o) Object.assign(v, { state: 'orphan', orphanOf: o.job });
    else if (v.state === 'orphan') {
      v.state = 'ok';
      delete v.orphanOf;
    }
  }
}
