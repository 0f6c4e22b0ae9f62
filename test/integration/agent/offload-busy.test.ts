// The agent's offline clone goes through copy_file_range on the descriptors it opened and checked
// (issue 16), on libuv's pool. On a reflink XFS (loop-mounted here) with every copy_file_range held
// on entry for a while (held-syscall.ts: strace's delay injection, so "in the middle" is made, not
// raced): while a call is held the agent answers health and inventory and the job has not ended; a
// SIGKILL then is recovered from the journal (copy-data runs again, docs/agent.md, and the job
// completes); a cancel then rolls the job back and leaves no target. The source is raw with three
// data runs apart, so the copy is three pieces: the first a clone (FICLONERANGE), the others
// copy_file_range calls. The copies share their data with the source (FIEMAP): they were offloaded.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { counterIds } from '../../../src/plan/ids.js';
import { planRequest } from '../../../src/plan/plan.js';
import { mountLoopFs, sharedBytes, type LoopFs } from '../../helpers/loop-fs.js';
import { identical } from './checks.js';
import { tempDir } from './guest.js';
import { holdCopyFileRange, inSyscall, SYS_COPY_FILE_RANGE, traced, until } from './held-syscall.js';
import { startAgentProcess, type AgentProcess } from './process.js';

const SECRET = 'offload test secret, long enough';
const MiB = 1 << 20;
let fs: LoopFs;
let home: string;
let n = 0;
/** Agents started; `held`: the Node pid under strace (SIGTERM to strace would only detach it). */
let agents: { a: AgentProcess; held?: number }[] = [];

beforeAll(() => {
  fs = mountLoopFs('xfs', 512);
  home = tempDir('voff-');
}, 60_000);
afterAll(() => {
  fs?.close();
  rmSync(home, { recursive: true, force: true });
});
afterEach(async () => {
  for (const { a, held } of agents) {
    if (held === undefined) {
      await a.stop();
      continue;
    }
    try {
      process.kill(held, 'SIGKILL');
    } catch {} // already gone (the SIGKILL case)
    await a.kill();
    await until('the held agent to be reaped', () => (existsSync(`/proc/${held}`) ? undefined : true));
  }
  agents = [];
}, 30_000);

interface Case {
  job: string;
  pool: string;
  src: string;
  copy: string;
  events(): { event: string; data: { action?: string; phase?: string } }[];
  journal(): { t: string }[];
  start(holdSeconds?: number): Promise<{ a: AgentProcess; pid: number }>;
}

/** A pool on the XFS holding src.raw: 64 MiB with 4 MiB of data at 0, 16 and 32 MiB. */
function setUp(): Case {
  const id = ++n;
  const pool = join(fs.dir, `p${id}`);
  mkdirSync(pool);
  const src = join(pool, 'src.raw');
  execFileSync('qemu-img', ['create', '-q', '-f', 'raw', src, '64M']);
  const writes = [0, 16, 32].flatMap((m) => ['-c', `write -P ${m + 1} ${m}M 4M`]);
  execFileSync('qemu-io', ['-f', 'raw', ...writes, src], { stdio: 'ignore' });
  const dir = join(home, `a${id}`);
  mkdirSync(dir);
  const state = join(dir, 'state');
  const args = ['--name', 'h1', '--root', `p1=${pool}`, '--state-dir', state];
  const lines = (f: string) =>
    existsSync(f)
      ? readFileSync(f, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [];
  const c: Case = {
    job: '',
    pool,
    src,
    copy: join(pool, 'copy.raw'),
    events: () => lines(join(state, 'events', `${c.job}.jsonl`)),
    journal: () => lines(join(state, 'journal.jsonl')),
    start: async (hold) => {
      const wrap = hold ? holdCopyFileRange(hold) : [];
      const a = await startAgentProcess(args, join(dir, 'a.sock'), join(dir, 'secret'), SECRET, wrap);
      const pid = hold ? traced(a.child.pid!) : a.child.pid!;
      agents.push({ a, ...(hold ? { held: pid } : {}) });
      return { a, pid };
    },
  };
  return c;
}

async function clone(c: Case, a: AgentProcess): Promise<string> {
  const inv = (await a.call('GET', '/v1/inventory')).json;
  const plan = planRequest(
    { kind: 'clone', volume: 'p1:src.raw', toPool: 'p1', name: 'copy.raw', verify: 'none' },
    inv,
    counterIds(`o${n}`),
  );
  const r = await a.call('POST', '/v1/jobs', { plan }, { 'idempotency-key': `offload-${n}` });
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  c.job = r.json.id;
  return c.job;
}

const status = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return 'State: X (gone)';
  }
};

const stepSeen = (c: Case, phase: string) =>
  c.events().some((e) => e.event === 'step' && e.data.action === 'copy-data' && e.data.phase === phase);

/** Waits until copy-data has started (the job's event log) and a thread is held in copy_file_range. */
async function midOffload(c: Case, pid: number): Promise<void> {
  await until('copy-data to start', () => (stepSeen(c, 'start') ? true : undefined));
  await until('a thread in copy_file_range', () => (inSyscall(pid, SYS_COPY_FILE_RANGE) ? true : undefined));
}

const ended = (a: AgentProcess, id: string) =>
  until(
    `job ${id} to end`,
    async () => {
      const s = (await a.call('GET', `/v1/jobs/${id}`)).json;
      return ['done', 'failed', 'rolled-back', 'cancelled'].includes(s.state) ? s : undefined;
    },
    120_000,
  );

describe('offloaded offline clone in a real agent process (reflink XFS, copy_file_range held)', () => {
  it('answers health and inventory while a copy call is in progress', { timeout: 120_000 }, async () => {
    const c = setUp();
    const { a, pid } = await c.start(8);
    const id = await clone(c, a);
    await midOffload(c, pid);
    const health = await a.call('GET', '/v1/health');
    const inv = await a.call('GET', '/v1/inventory');
    const job = (await a.call('GET', `/v1/jobs/${id}`)).json;
    // All answered while the call was still held: copy-data not ended, the job running.
    expect(inSyscall(pid, SYS_COPY_FILE_RANGE)).toBe(true);
    expect([stepSeen(c, 'end'), c.events().some((e) => e.event === 'end')]).toEqual([false, false]);
    expect([health.status, inv.status, job.state]).toEqual([200, 200, 'running']);
    expect(inv.json.volumes.map((v: { id: string }) => v.id)).toContain('p1:src.raw');
    const end = await ended(a, id);
    expect([end.state, end.error]).toEqual(['done', undefined]);
    expect(identical(c.src, c.copy, 'raw', 'raw')).toBe(true);
    expect(sharedBytes(c.copy)).toBe(12 * MiB);
  });

  it('SIGKILL while a copy call is in progress: the restarted agent runs copy-data again and completes', {
    timeout: 120_000,
  }, async () => {
    const c = setUp();
    const first = await c.start(600);
    const id = await clone(c, first.a);
    await midOffload(c, first.pid);
    process.kill(first.pid, 'SIGKILL');
    await until('the agent to die', () => (/State:\s+[ZX]/.test(status(first.pid)) ? true : undefined));
    await first.a.kill(); // strace, still waiting out its delay: then init reaps the dead agent
    await until('the dead agent to be reaped', () => (existsSync(`/proc/${first.pid}`) ? undefined : true));
    expect(stepSeen(c, 'end')).toBe(false);
    const { a } = await c.start();
    const end = await ended(a, id);
    expect([end.state, end.error, end.report.orphans]).toEqual(['done', undefined, []]);
    expect(c.journal().filter((r) => r.t === 'resume')).toHaveLength(1);
    expect(identical(c.src, c.copy, 'raw', 'raw')).toBe(true);
    expect(readdirSync(c.pool).sort()).toEqual(['copy.raw', 'src.raw']);
  });

  it('cancel while a copy call is in progress: the job rolls back and leaves no target', {
    timeout: 120_000,
  }, async () => {
    const c = setUp();
    const { a, pid } = await c.start(5);
    const id = await clone(c, a);
    await midOffload(c, pid);
    expect((await a.call('POST', `/v1/jobs/${id}/cancel`)).status).toBe(202);
    const end = await ended(a, id);
    expect(stepSeen(c, 'end')).toBe(true);
    expect(['cancelled', 'rolled-back']).toContain(end.state);
    expect(readdirSync(c.pool)).toEqual(['src.raw']);
  });
});
