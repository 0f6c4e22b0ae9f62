// Issue 14 item 6: `vdisk gateway` (a real child process) drains on SIGTERM: a preview in flight (its
// agent holds the inventory answer) is answered in full, a new request is refused, an event stream
// gets an SSE `retry:` hint and ends, and the process exits 0.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeAgent, type FakeAgent } from './helpers/fake-agent.js';
import { json, rand } from './helpers/setup.js';
import { sseReader } from './helpers/sse-client.js';
import { alphaInventory, moveRequest } from './helpers/worlds.js';

let dir: string;
let agent: FakeAgent;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vgw-drain-'));
  await build({
    entryPoints: [join(process.cwd(), 'src/cli/main.ts')],
    outfile: join(dir, 'cli.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    external: ['koffi'],
    logLevel: 'error',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  agent = await startFakeAgent({ name: 'alpha', secret: `alpha-${rand()}`, inventory: alphaInventory });
});
afterAll(async () => {
  await agent?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('SIGTERM: the answer in flight completes, new requests are refused, streams get a retry hint, exit 0', async () => {
  const token = `w${rand()}`;
  writeFileSync(join(dir, 'alpha.secret'), agent.secret, { mode: 0o600 });
  writeFileSync(join(dir, 'tokens'), `write ${token}\n`, { mode: 0o600 });
  const child = spawn(
    process.execPath,
    [
      join(dir, 'cli.mjs'),
      'gateway',
      '--agent',
      `alpha=${agent.url},secret-file=${join(dir, 'alpha.secret')}`,
      '--token-file',
      join(dir, 'tokens'),
      '--listen',
      '127.0.0.1:0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const auth = (init: RequestInit = {}) => ({
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      exited.then(() => reject(new Error(`exited early: ${out}`)));
    });
    // A job whose events keep coming, watched through the gateway.
    const { plan } = (await (await fetch(`${url}/v1/plans`, auth(json({ request: moveRequest })))).json()) as {
      plan: unknown;
    };
    const created = await fetch(`${url}/v1/jobs`, auth(json({ plan }, { 'idempotency-key': `k-${rand(8)}` })));
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    agent.emit(id.split('~')[1]!, 'progress', { progress: 0.1 });
    const stream = sseReader(await fetch(`${url}/v1/jobs/${encodeURIComponent(id)}/events`, auth()));
    expect((await stream.nextEvent())?.event).toBe('progress');
    // A preview in flight: the agent holds its inventory answer.
    const release = agent.holdInventory();
    const before = agent.calls.length;
    const inFlight = fetch(`${url}/v1/plans`, auth(json({ request: moveRequest })));
    await expect.poll(() => agent.calls.slice(before).some((c) => c.path === '/v1/inventory')).toBe(true);

    child.kill('SIGTERM');
    await expect.poll(() => out.includes('"msg":"draining"')).toBe(true);
    // The stream is told when to come back, then ends.
    const blocks: string[] = [];
    for (let b = await stream.next(); b; b = await stream.next()) blocks.push(b.raw);
    expect(blocks).toContain('retry: 1000');
    // A new request is refused: the listener is closed (or, on a kept-alive socket, 503 E_GATEWAY_DRAINING).
    const late = await fetch(`${url}/v1/inventory`, auth()).then(
      async (r) => ({ status: r.status, code: ((await r.json()) as { code?: string }).code }),
      (e: Error) => ({ status: 0, code: String((e.cause as { code?: string })?.code ?? e.message) }),
    );
    expect([
      { status: 0, code: 'ECONNREFUSED' },
      { status: 503, code: 'E_GATEWAY_DRAINING' },
    ]).toContainEqual(late);
    expect(child.exitCode).toBeNull(); // still answering the preview in flight
    release();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ agent: 'alpha', plan: { kind: 'move' } });
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  expect(out).toContain('"msg":"stopped"');
});
