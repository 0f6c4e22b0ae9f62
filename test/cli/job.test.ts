// `vdisk job` against a real gateway (served on a port) in front of a real agent: submit a request,
// follow its events to the end, status, list, cancel of an ended job, retry with nothing to retry,
// a previewed plan submitted as is, and the refusals (loose token file, stale plan).
import { chmodSync, existsSync, linkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../src/agent/server.js';
import { createGatewayApp } from '../../src/gateway/app.js';
import { run } from '../../src/cli/main.js';
import { qemuImg, qemuIo, SECRET, testAgent } from '../agent/helpers.js';

let dir: string;
const closers: (() => Promise<void> | void)[] = [];
let gateway: string;
let tokenFile: string;
const token = 'job-verb-test-token-0123456789';

async function vdisk(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(['job', ...argv, '--gateway', gateway, '--token-file', tokenFile], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  // The agent as the agent tests make it (two pools, silent log), with the default inventory cache.
  const t = await testAgent({ heartbeatMs: 1_000, inventoryTtlMs: undefined });
  dir = t.dir;
  qemuImg('create', '-q', '-f', 'qcow2', join(dir, 'p1', 'disk.qcow2'), '8M');
  qemuIo(join(dir, 'p1', 'disk.qcow2'), 'write -P 0x21 0 1M');
  const a = await listen(t.agent.app.fetch, '127.0.0.1:0');
  closers.push(
    () => a.close(),
    () => t.close(),
  );
  const app = createGatewayApp(
    {
      agents: [{ name: 'h1', url: `http://${a.address}`, secret: SECRET }],
      tokens: [{ token, scope: 'write', name: 'ops' }],
    },
    { log: () => {} },
  );
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  gateway = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
});

afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

describe('vdisk job', () => {
  it("submit a request, follow its events to the end, then status and list show it done, started by the token's name", async () => {
    const req = join(dir, 'clone.json');
    writeFileSync(req, JSON.stringify({ kind: 'clone', volume: 'p1:disk.qcow2', toPool: 'p2', name: 'c.qcow2' }));
    const sub = await vdisk('submit', '--request', req);
    expect(sub.code, sub.stderr).toBe(0);
    const id = sub.stdout.trim();
    expect(id).toMatch(/^h1~job-/);
    const ev = await vdisk('events', id);
    expect(ev.code, ev.stderr).toBe(0);
    const lines = ev.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^\d+ end \{"state":"done"/);
    const ids = lines.map((l) => Number(l.split(' ')[0]));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    // Resuming after the second event gives the rest, without repeats.
    const resumed = await vdisk('events', id, '--last-event-id', String(ids[1]));
    expect(resumed.stdout.trim().split('\n')).toEqual(lines.slice(2));
    const st = await vdisk('status', id);
    expect(st.stdout).toMatch(new RegExp(`^${id}  done  100%  clone  by ops\\n`));
    expect((await vdisk('list', '--output', 'json')).stdout).toContain(id);
    const cancel = await vdisk('cancel', id);
    expect([cancel.code, cancel.stdout.split('  ')[1]]).toEqual([0, 'done']);
    const retry = await vdisk('retry', id);
    expect([retry.code, retry.stderr]).toEqual([1, expect.stringContaining('E_AGENT_NOTHING_TO_RETRY')]);
  });

  it('submit a previewed plan; a stale one is refused with E_PLAN_STALE and nothing runs', async () => {
    const token = 'job-verb-test-token-0123456789';
    const preview = await fetch(`${gateway}/v1/plans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ request: { kind: 'clone', volume: 'p1:disk.qcow2', toPool: 'p2', name: 'd.qcow2' } }),
    }).then((r) => r.json());
    const planFile = join(dir, 'plan.json');
    writeFileSync(planFile, JSON.stringify(preview));
    qemuImg('resize', '-q', '-f', 'qcow2', join(dir, 'p1', 'disk.qcow2'), '16M'); // the facts change
    const stale = await vdisk('submit', '--plan', planFile);
    expect([stale.code, stale.stderr]).toEqual([1, expect.stringContaining('E_PLAN_STALE')]);
    qemuImg('resize', '-q', '--shrink', '-f', 'qcow2', join(dir, 'p1', 'disk.qcow2'), '8M');
    const ok = await vdisk('submit', '--plan', planFile);
    expect(ok.code, ok.stderr).toBe(0);
    expect((await vdisk('events', ok.stdout.trim())).code).toBe(0);
  });

  it('retry an orphan: a move whose old file could not be deleted (a second hard link) is finished by vdisk job retry', async () => {
    const old = join(dir, 'p1', 'orphan.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', old, '4M');
    const link = join(dir, 'link.qcow2'); // outside the roots: the agent refuses to delete a file with two links
    linkSync(old, link);
    const req = join(dir, 'move.json');
    writeFileSync(req, JSON.stringify({ kind: 'move', volume: 'p1:orphan.qcow2', toPool: 'p2', method: 'copy' }));
    const id = (await vdisk('submit', '--request', req)).stdout.trim();
    expect((await vdisk('events', id)).code).toBe(0);
    const st = await vdisk('status', id);
    expect(st.stdout).toMatch(/ done /);
    expect(st.stdout).toContain(`orphan ${old}`);
    expect(existsSync(old)).toBe(true);
    // Through the gateway's inventory the old file is the job's orphan (the agent's id under its public one).
    const atOld = async () =>
      (
        (await (await fetch(`${gateway}/v1/inventory`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
          inventory: { volumes: { path: string; state: string; orphanOf?: string }[] };
        }
      ).inventory.volumes.filter((v) => v.path === old);
    expect((await atOld()).map((v) => [v.state, `h1~${v.orphanOf}`])).toEqual([['orphan', id]]);
    rmSync(link);
    const retry = await vdisk('retry', id);
    expect(retry.code, retry.stderr).toBe(0);
    expect((await vdisk('events', retry.stdout.trim())).code).toBe(0);
    expect(existsSync(old)).toBe(false);
    expect(await atOld()).toEqual([]);
    expect(existsSync(join(dir, 'p2', 'orphan.qcow2'))).toBe(true);
  });

  it('refuses a token file others can read, naming the chmod', async () => {
    chmodSync(tokenFile, 0o644);
    const r = await vdisk('list');
    chmodSync(tokenFile, 0o600);
    expect([r.code, r.stderr]).toEqual([1, expect.stringMatching(/E_SECRET_FILE_MODE.*chmod 600/)]);
  });
});
