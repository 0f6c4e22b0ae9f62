// Issue 14 item 3, measured for `npm run bench -- gateway-scale` (never run by tests): one Node gateway
// in front of two REAL agents (`vdisk agent` processes) holding 500 qcow2 images each, 32 clients each
// previewing a different random volume every time. Requests come from a seeded PRNG (the seed is
// printed); no request body repeats and every plan id answered must be unique, both checked here.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Answer, closedLoop, cpuMs, pool, post, prng, rssMiB, startGatewayProcess } from './drive.js';

export const REAL_SEED = 20261208;

interface RealAgent {
  name: string;
  url: string;
  secret: string;
  pid: number;
  close(): Promise<void>;
}

/** `images` qcow2 files in root `<name>a` (copies of one template), root `<name>b` empty. */
function makeRoots(dir: string, name: string, images: number, template: string) {
  const a = join(dir, `${name}a`);
  const b = join(dir, `${name}b`);
  mkdirSync(a, { recursive: true });
  mkdirSync(b, { recursive: true });
  for (let j = 0; j < images; j++) copyFileSync(template, join(a, `v${String(j).padStart(3, '0')}.qcow2`));
  return { a, b };
}

async function startAgent(cli: string, dir: string, name: string, images: number, template: string) {
  const roots = makeRoots(dir, name, images, template);
  const secret = `bench secret for ${name} of enough length`;
  const secretFile = join(dir, `${name}.secret`);
  writeFileSync(secretFile, secret, { mode: 0o600 });
  mkdirSync(join(dir, `${name}-state`), { recursive: true });
  const args = [cli, 'agent', '--name', name, '--root', `${name}a=${roots.a}`, '--root', `${name}b=${roots.b}`];
  args.push('--state-dir', join(dir, `${name}-state`), '--listen', '127.0.0.1:0', '--secret-file', secretFile);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (out.length < 1e5) out += d;
      const m = /"event":"listening","address":"([^"]+)"/.exec(out);
      if (m && /"event":"recovered"/.test(out)) resolve(`http://${m[1]}`);
    });
    child.once('exit', (code) => reject(new Error(`agent ${name} exited (${code}): ${out.slice(-2000)}`)));
  });
  const close = () =>
    new Promise<void>((r) => {
      if (child.exitCode !== null) return r();
      child.once('exit', () => r());
      child.kill('SIGTERM');
    });
  return { name, url, secret, pid: child.pid!, close } satisfies RealAgent;
}

/** A request no earlier one equals: a clone under a fresh name, or (one in four) a move not yet asked. */
export function uniqueRequests(seed: number, agents: string[], images: number) {
  const rand = prng(seed);
  const seen = new Set<string>();
  let n = 0;
  return () => {
    for (;;) {
      const agent = agents[Math.floor(rand() * agents.length)]!;
      const volume = `${agent}a:v${String(Math.floor(rand() * images)).padStart(3, '0')}.qcow2`;
      const move = rand() < 0.25;
      const shape = ['flatten', 'keep-chain'][Math.floor(rand() * 2)];
      const request = move
        ? { kind: 'move', volume, toPool: `${agent}b`, shape, wipeSource: rand() < 0.5 }
        : { kind: 'clone', volume, toPool: `${agent}b`, name: `c${n++}-${Math.floor(rand() * 1e6)}.qcow2` };
      const body = JSON.stringify({ request });
      if (seen.has(body)) continue;
      seen.add(body);
      return body;
    }
  };
}

export async function realAgentPreviews(ctx: { cli: string; tmp: string; seconds: number }, images = 500) {
  const dir = join(ctx.tmp, 'real-agents');
  mkdirSync(dir, { recursive: true });
  const template = join(dir, 'template.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', template, '64M']);
  const agents: RealAgent[] = [];
  try {
    for (const name of ['ra', 'rb']) agents.push(await startAgent(ctx.cli, dir, name, images, template));
    const token = 'bench-read-token-of-enough-length';
    const config = {
      agents: agents.map((a) => ({ name: a.name, url: a.url, secret: a.secret })),
      tokens: [{ token, scope: 'read' as const, name: 'bench' }],
    };
    const gw = await startGatewayProcess('node', config, ctx.cli, dir);
    try {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const next = uniqueRequests(REAL_SEED, ['ra', 'rb'], images);
      const sockets = pool(32);
      const bodies = new Set<string>();
      let sent = 0;
      const send = () => {
        const body = next();
        sent++;
        bodies.add(body);
        return post(sockets, `${gw.url}/v1/plans`, headers, body);
      };
      // Warm-up: both agents' first scans done and in the gateway's cache (the cold scan has its own
      // row in `npm run bench -- inventory`); this row measures previews at steady state.
      for (let t = Date.now(); Date.now() - t < 120_000; await new Promise((r) => setTimeout(r, 250))) {
        const res = await fetch(`${gw.url}/v1/inventory`, { headers: { authorization: headers.authorization } });
        const inv = (await res.json()) as { agents?: { up: boolean }[] };
        if (inv.agents?.length === agents.length && inv.agents.every((a) => a.up)) break;
      }
      await closedLoop(4, 1, send);
      const planIds = new Set<string>();
      let answered = 0;
      const check = (res: Answer, body: string) => {
        if (!res.ok) return false;
        answered++;
        const id = (JSON.parse(body) as { plan?: { id?: string } }).plan?.id;
        if (typeof id !== 'string' || planIds.has(id)) return false;
        planIds.add(id);
        return true;
      };
      const cpu0 = cpuMs(gw.pid);
      const agentCpu0 = agents.map((a) => cpuMs(a.pid));
      const r = await closedLoop(32, ctx.seconds, send, check);
      const gatewayCpuMs = cpuMs(gw.pid) - cpu0;
      const agentCpuMs = agents.reduce((s, a, k) => s + cpuMs(a.pid) - agentCpu0[k]!, 0);
      sockets.destroy();
      return {
        ...r,
        seed: REAL_SEED,
        uniquePlanIds: planIds.size,
        sent,
        distinctBodies: bodies.size,
        answered,
        gatewayCpuMsPerPreview: gatewayCpuMs / Math.max(1, r.count),
        agentCpuMs,
        gatewayRssMiB: rssMiB(gw.pid),
      };
    } finally {
      await gw.close();
    }
  } finally {
    await Promise.all(agents.map((a) => a.close()));
  }
}
