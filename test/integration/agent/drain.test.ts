// Issue 14 item 6: `vdisk agent` (a real child process) drains on SIGTERM: a signed request whose body
// is still arriving when the signal comes is answered in full, a new connection is refused, and the
// process exits 0 after saying so in its log.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { signRequest } from '../../../src/auth/hmac.js';
import { startAgentProcess, type AgentProcess } from './process.js';

const SECRET = 'a test secret of enough length';
let dir: string | undefined;
let agent: AgentProcess | undefined;
afterEach(async () => {
  await agent?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  agent = undefined;
  dir = undefined;
});

it('SIGTERM: the request in flight is answered, a new one is refused, exit 0', async () => {
  dir = mkdtempSync(join(tmpdir(), 'vdrain-'));
  mkdirSync(join(dir, 'p1'));
  const socket = join(dir, 'a.sock');
  agent = await startAgentProcess(
    ['--name', 'h1', '--root', `p1=${join(dir, 'p1')}`, '--state-dir', join(dir, 'state')],
    socket,
    join(dir, 'secret'),
    SECRET,
  );
  const exited = new Promise<number | null>((r) => agent!.child.once('exit', (code) => r(code)));
  // A job submission whose body arrives in two halves, the second only after SIGTERM.
  const body = JSON.stringify({ plan: { not: 'a plan' }, pad: 'x'.repeat(2000) });
  const headers = { 'idempotency-key': 'drain-k1' };
  const signed = await signRequest(SECRET, {
    agent: 'h1',
    method: 'POST',
    url: 'http://localhost/v1/jobs',
    headers,
    body,
  });
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      {
        socketPath: socket,
        method: 'POST',
        path: '/v1/jobs',
        headers: {
          ...signed,
          ...headers,
          'content-type': 'application/json',
          'content-length': String(body.length),
          'x-request-id': 'drain-1',
          expect: '100-continue',
        },
      },
      (res) => {
        let text = '';
        res
          .setEncoding('utf8')
          .on('data', (d: string) => (text += d))
          .on('end', () => resolve({ status: res.statusCode!, text }));
      },
    );
    req.on('error', reject);
    // 100 Continue: the agent has the request's headers, so the request is in flight when SIGTERM comes.
    req.once('continue', () => {
      req.write(body.slice(0, 1000));
      agent!.child.kill('SIGTERM');
    });
    const wait = setInterval(() => {
      if (!/"event":"draining"/.test(agent!.log())) return;
      clearInterval(wait);
      req.end(body.slice(1000));
    }, 20);
  });
  await expect.poll(() => /"event":"draining"/.test(agent!.log())).toBe(true);
  // Health stays answered while draining (it is liveness); any other route is refused.
  const late = await agent.call('GET', '/v1/inventory').then(
    (r) => r.status,
    (e: NodeJS.ErrnoException) => e.code,
  );
  expect([503, 'ECONNREFUSED', 'ENOENT']).toContain(late);
  const got = await answer;
  // Answered in full by the running agent: the plan is refused by its checks, not cut by the stop.
  expect(got.status).toBeGreaterThanOrEqual(400);
  expect(got.status).toBeLessThan(500);
  expect(JSON.parse(got.text)).toMatchObject({ code: expect.stringMatching(/^E_/) });
  expect(await exited).toBe(0);
  expect(agent.log()).toMatch(
    /"event":"http","method":"POST","path":"\/v1\/jobs","status":4\d\d.*"requestId":"drain-1"/,
  );
  expect(agent.log()).toContain('"event":"stopped"');
});
