// What a retry gets (docs/agent.md "Idempotency keys"): a refused submission binds nothing, so the
// same key and body are checked afresh; a job recovered after a restart keeps its key and its caller.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../../src/agent/agent.js';
import { silentLogger } from '../../../src/agent/log.js';
import { ended, planFor, qemuImg, submit, testAgent, type TestAgent } from '../helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

describe('idempotency keys and callers', () => {
  it('a 409 frees the key: the same key and body start the job once the volume is free', async () => {
    t = await testAgent();
    qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'a.qcow2'), '1M');
    const plan = await planFor(t, { kind: 'clone', volume: 'p1:a.qcow2', toPool: 'p2', name: 'c.qcow2' });
    t.agent.jobs.busy.acquire('job-holder', { vms: [], volumes: ['p1:a.qcow2'], paths: [] });
    expect((await submit(t, plan, 'retry-key')).status).toBe(409);
    t.agent.jobs.busy.release('job-holder');
    const retry = await submit(t, plan, 'retry-key');
    expect(retry.status).toBe(202);
    expect(retry.body.startedBy).toBe('-');
    await ended(t, retry.body.id);
  });

  it('a malformed x-vdisk-caller is refused with E_AGENT_BAD_CALLER', async () => {
    t = await testAgent();
    const res = await t.req('GET', '/v1/jobs', undefined, { headers: { 'x-vdisk-caller': 'two words' } });
    expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([400, 'E_AGENT_BAD_CALLER']);
  });

  it('after a restart the job keeps its caller and its key (same caller and body → the same job)', async () => {
    t = await testAgent();
    qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'a.qcow2'), '1M');
    const plan = await planFor(t, { kind: 'clone', volume: 'p1:a.qcow2', toPool: 'p2', name: 'c.qcow2' });
    const headers = { 'idempotency-key': 'k', 'x-vdisk-caller': 'alice' };
    const first = (await (await t.req('POST', '/v1/jobs', { plan }, { headers })).json()) as { id: string };
    await ended(t, first.id);
    await t.agent.close();
    t.agent = createAgent(t.config, { log: silentLogger });
    await t.agent.start();
    const again = await t.req('POST', '/v1/jobs', { plan }, { headers });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id: first.id, startedBy: 'alice' });
  });
});

describe('agent limits on the command line', () => {
  it('parses --max-streams, --max-streams-per-caller, --keep-jobs, --keep-jobs-days, with defaults', async () => {
    const { parseAgentArgs, DEFAULT_LIMITS } = await import('../../../src/agent/config.js');
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const secret = join(mkdtempSync(join(tmpdir(), 'va-args-')), 'secret');
    writeFileSync(secret, 'a secret of sixteen or more', { mode: 0o600 });
    const base = ['--root', 'p1=/srv/p1', '--secret-file', secret];
    expect(parseAgentArgs(base)).toMatchObject(DEFAULT_LIMITS);
    expect(
      parseAgentArgs([
        ...base,
        '--max-streams',
        '9',
        '--max-streams-per-caller',
        '3',
        '--keep-jobs',
        '50',
        '--keep-jobs-days',
        '2',
      ]),
    ).toMatchObject({ maxStreams: 9, maxStreamsPerCaller: 3, keepJobs: 50, keepJobsDays: 2 });
    expect(() => parseAgentArgs([...base, '--keep-jobs', '0'])).toThrow(
      expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('--keep-jobs') }),
    );
  });
});
