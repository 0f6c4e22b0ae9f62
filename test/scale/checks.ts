// What must hold after the chaos, each check a named verdict with the evidence when it fails:
// keys ↔ jobs, final states with orphans recorded, events seen without a gap or a repeat, every
// image clean and reading as its origin, nothing under a temporary name, every kill point reached.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { JobRecord } from './client.js';
import type { Fault } from './faults.js';
import { checkClean, compareWithRef, origin } from './images.js';

export interface Verdict {
  name: string;
  ok: boolean;
  detail: string[];
}
export interface AgentFiles {
  name: string;
  stateDir: string;
  roots: Record<string, string>;
  refs: string;
  initial: string[];
}

const FINAL = ['done', 'rolled-back', 'cancelled', 'failed'];

interface JournalJob {
  id: string;
  key?: string;
  at: string;
  deletes: string[];
  end?: { state: string; report?: { orphans?: { path?: string }[] } };
}

function journalJobs(stateDir: string): JournalJob[] {
  const path = join(stateDir, 'journal.jsonl');
  if (!existsSync(path)) return [];
  const jobs = new Map<string, JournalJob>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as {
      t: string;
      job: string;
      key?: string;
      at: string;
      state?: string;
      report?: { orphans?: { path?: string }[] };
      plan?: { steps: { action: string; params: { path?: string; moves?: { fromPath: string }[] } }[] };
    };
    // The files a plan takes away once it has switched: a move's source chain, deleted after a copy
    // or renamed into the other pool (a move within one file system).
    const deletes = (r.plan?.steps ?? []).flatMap((st) =>
      st.action === 'delete-file' && st.params.path
        ? [st.params.path]
        : st.action === 'rename-volumes'
          ? (st.params.moves ?? []).map((m) => m.fromPath)
          : [],
    );
    if (r.t === 'job') jobs.set(r.job, { id: r.job, key: r.key, at: r.at, deletes });
    if (r.t === 'end' && jobs.has(r.job)) jobs.get(r.job)!.end = { state: r.state!, report: r.report };
  }
  return [...jobs.values()];
}

const verdict = (name: string, detail: string[]): Verdict => ({
  name,
  ok: detail.length === 0,
  detail: detail.slice(0, 20),
});

export function runChecks(records: JobRecord[], agents: AgentFiles[], faults: Fault[]): Verdict[] {
  const out: Verdict[] = [];
  out.push(
    verdict(
      'every kill point reached and restarted',
      faults
        .filter((f) => !f.fired || f.fired.error)
        .map((f) => `${f.target} at #${f.at}: ${f.fired?.error ?? 'never reached'}`),
    ),
  );
  out.push(
    verdict(
      'no client gave up',
      records
        .filter((r) => r.refused === 'gave-up' || r.refused?.startsWith('inventory'))
        .map((r) => `job #${r.spec.index}: ${r.refused}`),
    ),
  );

  const journals = new Map(agents.map((a) => [a.name, journalJobs(a.stateDir)]));
  const keyProblems: string[] = [];
  const byKey = new Map<string, string[]>();
  for (const [agent, jobs] of journals)
    for (const j of jobs)
      if (j.key) byKey.set(`${agent}/${j.key}`, [...(byKey.get(`${agent}/${j.key}`) ?? []), `${agent}~${j.id}`]);
  for (const [k, ids] of byKey) if (ids.length !== 1) keyProblems.push(`key ${k} → ${ids.length} jobs`);
  for (const r of records) {
    for (const u of r.keys) {
      const ids = byKey.get(`${r.spec.agent}/${u.key}`) ?? [];
      const gotJob = u.status >= 200 && u.status < 300;
      if (gotJob && (ids.length !== 1 || ids[0] !== r.jobId))
        keyProblems.push(`key ${u.key}: client has ${r.jobId}, journal ${ids.join(',') || 'nothing'}`);
      if (!gotJob && ids.length)
        keyProblems.push(`key ${u.key}: answered ${u.status} ${u.code ?? ''} but the journal has ${ids.join(',')}`);
    }
  }
  out.push(verdict('every key maps to exactly one job', keyProblems));

  const states: string[] = [];
  for (const r of records) {
    if (!r.jobId) continue;
    if (!r.final || !FINAL.includes(r.final.state)) states.push(`${r.jobId}: ${r.final?.state ?? 'no status'}`);
  }
  for (const [agent, jobs] of journals)
    for (const j of jobs)
      if (!j.end || !FINAL.includes(j.end.state)) states.push(`${agent}~${j.id}: journal ${j.end?.state ?? 'no end'}`);
  out.push(verdict('every job ended done, rolled-back, cancelled or failed', states));

  const ev: string[] = [];
  for (const r of records) {
    if (!r.jobId) continue;
    const seenById = new Map<number, string>();
    r.readers.forEach((rd, i) => {
      const ids = rd.events.map((e) => e.id);
      if (rd.errors.length) ev.push(`${r.jobId} reader ${i}: ${rd.errors.join('; ')}`);
      if (ids.some((id, n) => id !== n + 1)) ev.push(`${r.jobId} reader ${i}: ids ${ids.join(',')}`);
      const last = rd.events.at(-1);
      if (last?.event !== 'end') ev.push(`${r.jobId} reader ${i}: last event ${last?.event ?? 'none'}`);
      else if (r.final && JSON.parse(last.data).state !== r.final.state)
        ev.push(`${r.jobId} reader ${i}: end says ${JSON.parse(last.data).state}, status ${r.final.state}`);
      for (const e of rd.events) {
        const v = `${e.event} ${e.data}`;
        if (seenById.has(e.id) && seenById.get(e.id) !== v) ev.push(`${r.jobId} event ${e.id} differs between readers`);
        seenById.set(e.id, v);
      }
    });
  }
  out.push(verdict('no event a reader saw is missing or repeated', ev));

  // Files: the generated ones, changed by every job that ended done in the order they were created.
  const expected = new Set<string>();
  const orphans = new Set<string>();
  const tmp: string[] = [];
  const images: string[] = [];
  for (const a of agents) for (const f of a.initial) expected.add(join(a.roots[`${a.name}a`]!, f));
  const byId = new Map(records.filter((r) => r.jobId).map((r) => [r.jobId!, r]));
  const doneJobs = [...journals].flatMap(([agent, jobs]) =>
    jobs.filter((j) => j.end?.state === 'done').map((j) => ({ j, rec: byId.get(`${agent}~${j.id}`) })),
  );
  for (const { j, rec } of doneJobs.sort((x, y) => (x.j.at < y.j.at ? -1 : x.j.at > y.j.at ? 1 : 0))) {
    for (const p of j.deletes) expected.delete(p);
    if (rec?.files?.target) expected.add(rec.files.target);
  }
  for (const jobs of journals.values())
    for (const j of jobs) for (const o of j.end?.report?.orphans ?? []) if (o.path) orphans.add(o.path);
  const actual = new Set<string>();
  for (const a of agents) {
    for (const dir of Object.values(a.roots)) {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (name.startsWith('.') || name.endsWith('.part') || name.endsWith('.tmp')) {
          tmp.push(path);
          continue;
        }
        actual.add(path);
        const bad = checkClean(path) ?? compareWithRef(path, join(a.refs, `${origin(name)}.qcow2`));
        if (bad) images.push(`${name}: ${bad}`);
      }
    }
  }
  const accounting: string[] = [];
  for (const p of expected) if (!actual.has(p) && !orphans.has(p)) accounting.push(`missing ${p}`);
  for (const p of actual)
    if (!expected.has(p) && !orphans.has(p))
      accounting.push(`unaccounted ${p} (no job that ended done made it, no orphan names it)`);
  out.push(verdict('every file is the result of a done job or a recorded orphan', accounting));
  out.push(verdict('every image passes qemu-img check and reads as its plan says', images));
  out.push(verdict('nothing is left under a temporary name', tmp));
  return out;
}
