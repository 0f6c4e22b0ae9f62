// SIGKILL the agent process mid-plan and start it again on the same journal: the job must end
// (completed or rolled back), the guest's disk must be whole, no file or QEMU job may be left over.
// One case must resume rather than roll back: killed while a mirror is READY, the restarted agent
// completes the pivot.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { counterIds } from '../../../src/plan/ids.js';
import { planRequest } from '../../../src/plan/plan.js';
import { queryBlock, queryNamedBlockNodes } from '../../../src/qmp/blockdev.js';
import { queryJobs } from '../../../src/qmp/jobs.js';
import type { QemuInstance } from '../../helpers/qemu.js';
import { clean, identical, reference } from './checks.js';
import { makeImages, qemuIo, startGuest, tempDir, type DiskSpec, qemuImg } from './guest.js';
import { startAgentProcess, type AgentProcess } from './process.js';

const SECRET = 'crash test secret, long enough';
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => undefined);
  cleanup = [];
}, 30_000);

interface Setup {
  dir: string;
  p1: string;
  p2: string;
  qemu?: QemuInstance;
  start(): Promise<AgentProcess>;
}

async function setUp(disks: DiskSpec[] | null): Promise<Setup> {
  const dir = tempDir('vc-');
  const p1 = join(dir, 'p1');
  const p2 = join(dir, 'p2');
  makeImages(p1, disks ?? []);
  makeImages(p2, []);
  const qemu = disks ? await startGuest(p1, disks) : undefined;
  await qemu?.qmp.close();
  const args = [
    '--name',
    'h1',
    '--root',
    `p1=${p1}`,
    '--root',
    `p2=${p2}`,
    '--state-dir',
    join(dir, 'state'),
    ...(qemu ? ['--qmp', `vm1=${qemu.socketPath}`] : []),
  ];
  const s: Setup = {
    dir,
    p1,
    p2,
    qemu,
    start: async () => {
      const a = await startAgentProcess(args, join(dir, 'a.sock'), join(dir, 'secret'), SECRET);
      cleanup.push(() => a.stop());
      return a;
    },
  };
  cleanup.push(async () => {
    await qemu?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return s;
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

async function submitPlan(a: AgentProcess, request: Record<string, unknown>) {
  const inv = (await a.call('GET', '/v1/inventory')).json;
  const plan = planRequest(request, inv, counterIds('c'));
  const r = await a.call('POST', '/v1/jobs', { plan }, { 'idempotency-key': `crash-${plan.id}` });
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  return { plan, id: r.json.id as string };
}

const ended = (a: AgentProcess, id: string) =>
  until(`job ${id} to end`, async () => {
    const s = (await a.call('GET', `/v1/jobs/${id}`)).json;
    return ['done', 'failed', 'rolled-back', 'cancelled'].includes(s.state) ? s : undefined;
  });

/** After the agent stopped: the graph and jobs from a fresh QMP session. */
async function qemuState(qemu: QemuInstance) {
  const qmp = await qemu.connect();
  const devices = Object.fromEntries(
    (await queryBlock(qmp)).map((b) => [/peripheral\/([^/]+)\//.exec(b.qdev ?? '')?.[1], b.inserted?.['node-name']]),
  );
  const nodes = (await queryNamedBlockNodes(qmp))
    .map((n) => n['node-name'])
    .filter((n) => !n.startsWith('#'))
    .sort();
  return { devices, nodes, jobs: await queryJobs(qmp) };
}

const journal = (s: Setup) =>
  readFileSync(join(s.dir, 'state', 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('agent crash and recovery', () => {
  it('SIGKILL while a live copy is between 30 % and 70 %: after restart the job ends, the disk is whole', {
    timeout: 120_000,
  }, async () => {
    const s = await setUp([{ id: 'vda', layers: ['base', 'top'], topDataMiB: 48, sizeMiB: 64, throttleBps: 8 << 20 }]);
    const ref = join(s.dir, 'ref.qcow2');
    reference(join(s.p1, 'top.qcow2'), ref);
    let a = await s.start();
    const { id } = await submitPlan(a, {
      kind: 'block-copy',
      vm: 'vm1',
      disks: [{ disk: 'vda', pool: 'p2', name: 'c.qcow2', flags: 8 }],
    });
    const at = await until('the copy to reach 30 %', async () => {
      const st = (await a.call('GET', `/v1/jobs/${id}`)).json;
      return st.progress >= 0.3 ? (st.progress as number) : undefined;
    });
    await a.kill();
    expect(at).toBeLessThan(0.7);
    a = await s.start();
    const end = await ended(a, id);
    expect(['done', 'rolled-back']).toContain(end.state);
    expect(end.report.orphans).toEqual([]);
    expect(journal(s).filter((r) => r.t === 'resume')).toHaveLength(1);
    await a.stop();
    const q = await qemuState(s.qemu!);
    expect(q.jobs).toEqual([]);
    const copied = end.state === 'done';
    expect(readdirSync(s.p2)).toEqual(copied ? ['c.qcow2'] : []);
    expect(q.nodes).toHaveLength(copied ? 2 : 4);
    await s.qemu!.qmp.execute('quit');
    await s.qemu!.exited;
    const now = copied ? join(s.p2, 'c.qcow2') : join(s.p1, 'top.qcow2');
    expect(identical(ref, now)).toBe(true);
    expect(clean(now)).toBe(true);
  });

  it('SIGKILL while one mirror of a group is READY: the restarted agent resumes and pivots both', {
    timeout: 120_000,
  }, async () => {
    const s = await setUp([
      { id: 'vda', layers: ['a'] },
      { id: 'vdb', layers: ['b'], topDataMiB: 40, sizeMiB: 64, throttleBps: 8 << 20 },
    ]);
    const refA = join(s.dir, 'ref-a.qcow2');
    const refB = join(s.dir, 'ref-b.qcow2');
    reference(join(s.p1, 'a.qcow2'), refA);
    reference(join(s.p1, 'b.qcow2'), refB);
    let a = await s.start();
    const { plan, id } = await submitPlan(a, {
      kind: 'block-copy',
      vm: 'vm1',
      disks: [
        { disk: 'vda', pool: 'p2', name: 'a-copy.qcow2', flags: 8 },
        { disk: 'vdb', pool: 'p2', name: 'b-copy.qcow2', flags: 8 },
      ],
    });
    const [readyA, readyB] = plan.steps.filter((x) => x.action === 'qmp-wait-ready').map((x) => x.id);
    await until('vdb to be copying while vda is ready', async () => {
      const st = (await a.call('GET', `/v1/jobs/${id}`)).json;
      return st.step === readyB && st.progress > 0.2 ? true : undefined;
    });
    await a.kill();
    const before = journal(s);
    expect(before.some((r) => r.t === 'step-end' && r.call === readyA && r.ok)).toBe(true);
    expect(before.some((r) => r.t === 'step-start' && r.action === 'qmp-pivot')).toBe(false);
    a = await s.start();
    const end = await ended(a, id);
    expect(end.error).toBeUndefined();
    expect([end.state, end.report.outcome]).toEqual(['done', 'done']);
    const after = journal(s);
    expect(after.some((r) => r.t === 'step-end' && r.call === readyB && r.ok)).toBe(true); // the wait in flight was resumed
    expect(after.filter((r) => r.t === 'step-start' && r.action === 'qmp-pivot')).toHaveLength(2);
    await a.stop();
    const q = await qemuState(s.qemu!);
    expect(q.jobs).toEqual([]);
    const created = plan.steps
      .filter((x) => x.action === 'qmp-create-image')
      .map((x) => (x.params as { node: string }).node);
    expect(q.devices).toEqual({ vda: created[0], vdb: created[1] });
    await s.qemu!.qmp.execute('quit');
    await s.qemu!.exited;
    expect(identical(refA, join(s.p2, 'a-copy.qcow2'))).toBe(true);
    expect(identical(refB, join(s.p2, 'b-copy.qcow2'))).toBe(true);
    expect(clean(join(s.p2, 'b-copy.qcow2'))).toBe(true);
  });

  it('SIGKILL, and QEMU loses the job meanwhile: the restarted agent compensates (copy closed and removed)', {
    timeout: 120_000,
  }, async () => {
    const s = await setUp([{ id: 'vda', layers: ['base', 'top'], topDataMiB: 40, sizeMiB: 64, throttleBps: 8 << 20 }]);
    let a = await s.start();
    const { plan, id } = await submitPlan(a, {
      kind: 'block-copy',
      vm: 'vm1',
      disks: [{ disk: 'vda', pool: 'p2', name: 'c.qcow2', flags: 8 }],
    });
    await until('the copy to start', async () =>
      (await a.call('GET', `/v1/jobs/${id}`)).json.progress > 0.1 ? true : undefined,
    );
    await a.kill();
    const job = (plan.steps.find((x) => x.action === 'qmp-mirror')!.params as { job: string }).job;
    const qmp = await s.qemu!.connect();
    await qmp.execute('job-cancel', { id: job });
    await until('the cancelled job to conclude', async () =>
      (await queryJobs(qmp)).find((j) => j.id === job)?.status === 'concluded' ? true : undefined,
    );
    await qmp.execute('job-dismiss', { id: job });
    await qmp.close();
    a = await s.start();
    const end = await ended(a, id);
    expect([end.state, end.error?.code]).toEqual(['rolled-back', 'E_QMP_JOB_MISSING']);
    expect(end.report.orphans).toEqual([]);
    await a.stop();
    const q = await qemuState(s.qemu!);
    expect(q).toEqual({ devices: { vda: 'n-top' }, nodes: ['f-base', 'f-top', 'n-base', 'n-top'], jobs: [] });
    expect(readdirSync(s.p2)).toEqual([]);
  });

  it('SIGKILL during an offline copy: after restart the clone is finished or removed, nothing else is left', {
    timeout: 120_000,
  }, async () => {
    const s = await setUp(null);
    const src = join(s.p1, 'big.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', src, '1G');
    qemuIo(src, 'write -P 0x5c 0 384M');
    let a = await s.start();
    const { id } = await submitPlan(a, {
      kind: 'clone',
      volume: 'p1:big.qcow2',
      toPool: 'p2',
      name: 'clone.qcow2',
      verify: 'metadata',
    });
    await until(
      'the copy step',
      async () => ((await a.call('GET', `/v1/jobs/${id}`)).json.step === 's2' ? true : undefined),
      30_000,
    );
    await a.kill();
    const before = journal(s);
    expect(before.some((r) => r.t === 'step-start' && r.call === 's2')).toBe(true);
    expect(before.some((r) => r.t === 'step-end' && r.call === 's2')).toBe(false); // killed mid-copy
    a = await s.start();
    const end = await ended(a, id);
    expect(['done', 'rolled-back']).toContain(end.state);
    const left = readdirSync(s.p2);
    if (end.state === 'done') {
      expect(left).toEqual(['clone.qcow2']);
      expect(identical(src, join(s.p2, 'clone.qcow2'))).toBe(true);
      expect(clean(join(s.p2, 'clone.qcow2'))).toBe(true);
    } else {
      expect(left).toEqual([]);
    }
    expect(existsSync(src)).toBe(true);
  });
});
