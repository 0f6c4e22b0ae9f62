// What the agent refuses with a running VM: an offline step never removes or writes an image QEMU
// has open (E_AGENT_IMAGE_IN_USE, reported as an orphan); a plan for a VM it does not manage is
// refused before anything is done; a cancelled live copy is rolled back (job cancelled, copy removed).
import { existsSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { counterIds } from '../../../src/plan/ids.js';
import { planRequest } from '../../../src/plan/plan.js';
import { signRequest } from '../../../src/auth/hmac.js';
import { qemuImg } from './guest.js';
import { liveAgent, SECRET, type Live } from './live.js';

let live: Live | undefined;
afterEach(async () => {
  await live?.dispose();
  live = undefined;
}, 20_000);

async function post(l: Live, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  const signed = await signRequest(SECRET, {
    agent: 'h1',
    method: 'POST',
    url: `http://localhost${path}`,
    headers,
    body: text,
  });
  return l.agent.app.request(path, {
    method: 'POST',
    headers: { ...signed, ...headers },
    ...(text ? { body: text } : {}),
  });
}

describe('agent guards with a running VM', () => {
  it('never deletes an image QEMU has open, even when a (stale) plan says so', { timeout: 60_000 }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['a'] }]);
    const free = live.path('free');
    qemuImg('create', '-q', '-f', 'qcow2', free, '8M');
    const plan = planRequest(
      { kind: 'move', volume: 'p1:free.qcow2', toPool: 'p2', method: 'copy' },
      await live.inventory(),
      counterIds('m'),
    );
    const qmp = await live.agent.ctx.vms.session('vm1');
    await qmp.execute('blockdev-add', {
      driver: 'qcow2',
      'node-name': 'x-open',
      'read-only': true,
      file: { driver: 'file', filename: free, 'read-only': true },
    });
    const res = await post(live, '/v1/jobs', { plan }, { 'idempotency-key': 'in-use' });
    expect(res.status).toBe(202);
    const job = live.agent.jobs.get(((await res.json()) as { id: string }).id);
    await job.ended;
    const s = job.status();
    expect([s.state, s.report?.outcome]).toEqual(['done', 'done-with-orphans']);
    expect(s.report?.orphans).toEqual([
      expect.objectContaining({ path: free, reason: expect.stringContaining('open') }),
    ]);
    expect(existsSync(free)).toBe(true);
    await qmp.execute('blockdev-del', { 'node-name': 'x-open' });
    // The retry plan the agent builds from its own plan and report finishes the source delete.
    const retry = await post(live, '/v1/jobs', { retryOf: job.id }, { 'idempotency-key': 'retry' });
    expect(retry.status).toBe(202);
    const again = live.agent.jobs.get(((await retry.json()) as { id: string }).id);
    await again.ended;
    expect([again.status().state, again.status().planId]).toEqual(['done', `${plan.id}-retry`]);
    expect(existsSync(free)).toBe(false);
  });

  it('refuses a plan for a VM it does not manage and touches nothing', { timeout: 60_000 }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['a'] }]);
    const inv = await live.inventory();
    inv.vms.push({ ...inv.vms[0]!, id: 'vm9' });
    const plan = planRequest(
      { kind: 'block-copy', vm: 'vm9', disks: [{ disk: 'vda', pool: 'p2', name: 'c.qcow2', flags: 8 }] },
      inv,
      counterIds('u'),
    );
    const mark = live.transcript.entries.length;
    const res = await post(live, '/v1/jobs', { plan }, { 'idempotency-key': 'vm9' });
    expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([422, 'E_AGENT_UNKNOWN_VM']);
    expect(
      live.transcript.entries.slice(mark).filter((e) => e.type === 'command' && !e.execute.includes('query')),
    ).toEqual([]);
    expect(readdirSync(live.pool2)).toEqual([]);
  });

  it('cancel during a live copy: the mirror is cancelled, the copy removed, the guest stays on its disk', {
    timeout: 60_000,
  }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['base', 'top'], topDataMiB: 40, sizeMiB: 64, throttleBps: 8 << 20 }]);
    const plan = planRequest(
      { kind: 'block-copy', vm: 'vm1', disks: [{ disk: 'vda', pool: 'p2', name: 'c.qcow2', flags: 8 }] },
      await live.inventory(),
      counterIds('k'),
    );
    const res = await post(live, '/v1/jobs', { plan }, { 'idempotency-key': 'cancel' });
    const job = live.agent.jobs.get(((await res.json()) as { id: string }).id);
    const waitStep = plan.steps.find((x) => x.action === 'qmp-wait-ready')!.id;
    await new Promise<void>((resolve) =>
      job.events.follow(0, (e) => {
        if (e.event === 'step' && (e.data as { call: string }).call === waitStep) resolve();
      }),
    );
    expect((await post(live, `/v1/jobs/${job.id}/cancel`)).status).toBe(202);
    await job.ended;
    const s = job.status();
    expect([s.state, s.error?.code]).toEqual(['cancelled', 'E_AGENT_CANCELLED']);
    expect(await live.graph()).toEqual({ devices: { vda: 'n-top' }, nodes: ['f-base', 'f-top', 'n-base', 'n-top'] });
    expect(readdirSync(live.pool2)).toEqual([]);
    expect(live.transcript.commands({ queries: false }).some((c) => c.execute === 'block-job-cancel')).toBe(true);
  });
});

describe('pivot only after READY', () => {
  it('a pivot step for a job that is not ready is refused before QEMU is asked', { timeout: 60_000 }, async () => {
    live = await liveAgent([{ id: 'vda', layers: ['base', 'top'], topDataMiB: 40, sizeMiB: 64, throttleBps: 4 << 20 }]);
    const { runQmpStep } = await import('../../../src/agent/vm/qmp-step.js');
    const qmp = await live.agent.ctx.vms.session('vm1');
    const copy = live.path('early', 2);
    qemuImg('create', '-q', '-f', 'qcow2', copy, '64M');
    await qmp.execute('blockdev-add', {
      driver: 'qcow2',
      'node-name': 'early',
      file: { driver: 'file', filename: copy },
      backing: null,
    });
    await runQmpStep(
      qmp,
      { action: 'qmp-mirror', params: { vm: 'vm1', job: 'early-job', device: 'n-top', target: 'early', sync: 'full' } },
      { resumed: false, timeoutMs: 10_000 },
    );
    const mark = live.transcript.entries.length;
    await expect(
      runQmpStep(
        qmp,
        { action: 'qmp-pivot', params: { vm: 'vm1', job: 'early-job' } },
        { resumed: false, timeoutMs: 10_000 },
      ),
    ).rejects.toMatchObject({ code: 'E_PLAN_PIVOT_BEFORE_READY' });
    expect(
      live.transcript.entries.slice(mark).filter((e) => e.type === 'command' && e.execute === 'job-complete'),
    ).toEqual([]);
    await runQmpStep(
      qmp,
      { action: 'qmp-job-cancel', params: { vm: 'vm1', job: 'early-job' } },
      { resumed: false, timeoutMs: 30_000 },
    );
    await qmp.execute('blockdev-del', { 'node-name': 'early' });
    expect((await live.graph()).devices.vda).toBe('n-top');
  });
});
