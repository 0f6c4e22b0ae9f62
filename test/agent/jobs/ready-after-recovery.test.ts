// The agent process answers only once it has read its journal back: a job it ran before a restart
// is found (never 404 E_AGENT_UNKNOWN_JOB), and its idempotency key is bound, from the first request
// it accepts. Recovery is held up here by a VM whose QMP socket accepts and never greets (the agent
// asks every VM for its jobs before recovering), so a server that listened first would answer
// requests during those seconds without the journal's jobs. Found by the chaos suite (test/scale/).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { signRequest } from '../../../src/auth/hmac.js';
import { agentBundle } from '../../integration/agent/process.js';

const SECRET = 'a test secret of enough length';
const JOB = 'job-0123456789ab';
let dir = '';
let silent: Server | undefined;
afterEach(() => {
  silent?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('a job from the journal is there from the first answer after a restart', { timeout: 60_000 }, async () => {
  dir = mkdtempSync(join(tmpdir(), 'vrr-'));
  mkdirSync(join(dir, 'p1'));
  mkdirSync(join(dir, 'state'), { mode: 0o700 });
  const at = new Date().toISOString();
  const plan = { id: 'plan-1', kind: 'clone', host: 'h1', steps: [] };
  writeFileSync(
    join(dir, 'state', 'journal.jsonl'),
    `${JSON.stringify({ t: 'job', job: JOB, plan, key: 'k1', bodyHash: 'x', caller: '-', at })}\n` +
      `${JSON.stringify({ t: 'end', job: JOB, state: 'done', at })}\n`,
    { mode: 0o600 },
  );
  writeFileSync(join(dir, 'secret'), SECRET, { mode: 0o600 });
  silent = createServer(() => {
    /* accepts, never greets */
  });
  await new Promise<void>((r) => silent!.listen(join(dir, 'q.sock'), r));
  const child = spawn(
    process.execPath,
    [
      await agentBundle(),
      '--name',
      'h1',
      '--root',
      `p1=${join(dir, 'p1')}`,
      '--qmp',
      `vm1=${join(dir, 'q.sock')}`,
      '--state-dir',
      join(dir, 'state'),
      '--listen',
      '127.0.0.1:0',
      '--secret-file',
      join(dir, 'secret'),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  try {
    let log = '';
    const address = await new Promise<string>((resolve, reject) => {
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        log += d;
        const m = /"event":"listening","address":"([^"]+)"/.exec(log);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`agent exited (${code}): ${log}`)));
    });
    const path = `/v1/jobs/${JOB}`;
    const url = `http://${address}${path}`;
    const res = await fetch(url, {
      headers: await signRequest(SECRET, { agent: 'h1', method: 'GET', url, headers: {}, body: '' }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ id: JOB, state: 'done' });
  } finally {
    child.kill('SIGKILL');
  }
});
