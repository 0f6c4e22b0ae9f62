// Attack: learn about the host from error answers. Before, a refused symlink said where it leads
// (`… resolves to /etc/passwd`), a path outside the roots was echoed, and a failed step reported raw
// Node errors (`ENOENT: no such file or directory, open '/…'`). Now answers (problem+json, job status,
// report, events) name only in-root paths the caller could name itself; the agent's log keeps detail.
import { appendFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../src/agent/agent.js';
import { HIDDEN_PATH, publicError, publicStepError, publicText } from '../../src/agent/public-error.js';
import { VdiskError } from '../../src/errors/vdisk-error.js';
import { SECRET, signAs, submit, testAgent, type TestAgent } from '../agent/helpers.js';
import { clonePlan, pathsOutside, type AnyPlan } from './helpers.js';

let t: TestAgent;
let again: Agent | undefined;
afterEach(async () => {
  await again?.close();
  again = undefined;
  await t?.close();
});

const roots = (t: TestAgent) => [t.pool('p1'), t.pool('p2')];

function retarget(plan: AnyPlan, path: string): AnyPlan {
  const copy = structuredClone(plan);
  (copy.steps.find((s) => s.action === 'create-volume')!.params as { volume: { path: string } }).volume.path = path;
  return copy;
}

describe('errors name no host path outside the roots', () => {
  it('a symlink that leaves the roots: the answer does not say where it leads', async () => {
    t = await testAgent();
    const plan = await clonePlan(t);
    symlinkSync('/etc', join(t.pool('p2'), 'up'));
    const r = await submit(t, retarget(plan, join(t.pool('p2'), 'up', 'passwd')));
    expect(r.body.code).toBeDefined();
    expect(r.status).toBeGreaterThanOrEqual(400);
    const text = JSON.stringify(r.body);
    expect(text).not.toContain('/etc');
    expect(pathsOutside(text, roots(t))).toEqual([]);
  });

  it('a path outside the roots is not echoed', async () => {
    t = await testAgent();
    const plan = await clonePlan(t);
    const r = await submit(t, retarget(plan, `${t.dir}/secret-place/x.qcow2`));
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(pathsOutside(JSON.stringify(r.body), roots(t))).toEqual([]);
  });

  it('a step that fails with a raw Node error: code and a generic message in status, report and events; the log keeps the detail', async () => {
    t = await testAgent();
    const plan = await clonePlan(t);
    const missing = join(t.pool('p1'), 'missing.qcow2');
    // A plan the agent had journaled before a restart (recovery runs it): one flush of a file that is gone.
    const journaled = {
      ...plan,
      steps: [
        {
          id: 's1',
          label: 'flush',
          after: [],
          unit: 'all',
          phase: 'prepare',
          undo: [],
          weight: 1,
          action: 'flush-volume',
          params: { volume: 'p1:missing.qcow2', path: missing },
        },
      ],
    };
    await t.agent.close();
    appendFileSync(
      join(t.dir, 'state', 'journal.jsonl'),
      `${JSON.stringify({ t: 'job', job: 'job-leak', plan: journaled, at: new Date().toISOString() })}\n`,
    );
    const log: string[] = [];
    again = createAgent(
      {
        name: 'h1',
        roots: [
          { name: 'p1', dir: t.pool('p1') },
          { name: 'p2', dir: t.pool('p2') },
        ],
        vms: [],
        listen: '127.0.0.1:0',
        secret: SECRET,
        stateDir: join(t.dir, 'state'),
        jobTimeoutMs: 60_000,
        heartbeatMs: 50,
      },
      { log: (event, fields) => log.push(JSON.stringify({ event, ...fields })) },
    );
    await again.start();
    const job = again.jobs.get('job-leak');
    await job.ended;
    const path = '/v1/jobs/job-leak';
    const res = await again.app.request(path, { headers: await signAs('h1', 'GET', path) });
    const status = (await res.json()) as {
      state: string;
      error?: { code: string; message: string };
      report?: { failure?: { code: string; message: string } };
    };
    expect(status.state).toBe('rolled-back');
    // The file is opened through safe-open, which names the failure with a stable code of its own;
    // a raw Node error (ENOENT) would be reduced to its code. Either way no errno text, no outside path.
    expect(['ENOENT', 'E_NOT_FOUND']).toContain(status.report?.failure?.code);
    expect(['ENOENT', 'E_NOT_FOUND']).toContain(status.error?.code ?? status.report?.failure?.code);
    const answer = JSON.stringify([status, job.events.list]);
    expect(answer).not.toMatch(/no such file or directory/);
    expect(pathsOutside(answer, roots(t))).toEqual([]);
    expect(log.join('\n')).toContain(missing);
  });

  it('the sanitiser: in-root paths and API routes pass, other paths and errno text do not, raw errors become their code', async () => {
    t = await testAgent();
    const roots = t.agent.ctx.roots;
    const inRoot = join(t.pool('p1'), 'a.qcow2');
    expect(publicText(`cannot open ${inRoot}: POST /v1/jobs/x`, roots)).toBe(`cannot open ${inRoot}: POST /v1/jobs/x`);
    expect(publicText(`${inRoot} leads to '/etc/shadow' and ${t.pool('p1')}/../x`, roots)).toBe(
      `${inRoot} leads to '${HIDDEN_PATH}' and ${HIDDEN_PATH}`,
    );
    expect(publicText(`cannot append: EACCES: permission denied, open '${t.dir}/state/journal.jsonl'`, roots)).toBe(
      'cannot append: EACCES',
    );
    const raw = Object.assign(new Error(`ENOENT: no such file or directory, open '${inRoot}'`), {
      code: 'ENOENT',
      errno: -2,
      syscall: 'open',
    });
    expect(publicStepError(raw, roots)).toEqual({ code: 'ENOENT', message: expect.not.stringContaining(inRoot) });
    expect(publicStepError(new TypeError(`x of ${t.dir}`), roots)).toEqual({
      code: 'E_PLAN_STEP_FAILED',
      message: expect.not.stringContaining(t.dir),
    });
    const outside = publicError(
      new VdiskError('E_AGENT_PATH_OUTSIDE_ROOTS', '/etc/shadow is not under a storage root', { path: '/etc/shadow' }),
      roots,
    );
    expect(outside.detail.path).toBeUndefined();
    expect(outside.message).not.toContain('/etc');
  });
});
