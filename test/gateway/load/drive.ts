// Load drivers for the gateway benches (never run by tests): a gateway copy as its own process (Node
// `vdisk gateway`, or workerd through the edge launcher), an open-loop driver (requests sent on
// schedule whatever the answers; latency from the scheduled time), a closed-loop one (N clients, each
// sends its next request when the last is answered), and RSS of a process. Requests vary through a
// seeded PRNG, so a run can be repeated.
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayConfigInput } from '../../../src/gateway/config.js';
import { startEdgeGateway } from '../../../src/gateway/edge/launch.js';

export const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
export const rssMiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** CPU ms (user + system) a process has used so far, from /proc/PID/stat (USER_HZ 100). */
export const cpuMs = (pid: number) => {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};

export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export interface GatewayProcess {
  url: string;
  pid: number;
  close(): Promise<void>;
}

export async function startGatewayProcess(
  runtime: 'node' | 'workerd',
  config: GatewayConfigInput & { tokens: { token: string; scope: 'read' | 'write'; name?: string }[] },
  cli: string,
  tmp: string,
): Promise<GatewayProcess> {
  if (runtime === 'workerd') {
    const gw = await startEdgeGateway(config, { host: '127.0.0.1', port: 0 });
    return { url: gw.url, pid: gw.child.pid!, close: gw.close };
  }
  const args = ['gateway', '--listen', '127.0.0.1:0'];
  for (const a of config.agents) {
    const f = join(tmp, `${a.name}.secret`);
    writeFileSync(f, a.secret, { mode: 0o600 });
    args.push('--agent', `${a.name}=${a.url},secret-file=${f}`);
  }
  const tokens = join(tmp, 'gateway.tokens');
  writeFileSync(tokens, config.tokens.map((t) => `${t.scope} ${t.token}${t.name ? ` ${t.name}` : ''}`).join('\n'), {
    mode: 0o600,
  });
  args.push('--token-file', tokens);
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
      if (out.length > 1e6) out = out.slice(-1e5);
    });
    child.once('exit', () => reject(new Error(`vdisk gateway exited: ${out.slice(0, 2000)}`)));
  });
  return {
    url,
    pid: child.pid!,
    close: () =>
      new Promise((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

export interface Timed {
  count: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
  rps: number;
  statuses: Record<string, number>;
}

function summary(lat: number[], errors: number, seconds: number, statuses: Record<string, number>): Timed {
  lat.sort((a, b) => a - b);
  return {
    count: lat.length,
    errors,
    p50: pct(lat, 0.5),
    p99: pct(lat, 0.99),
    max: lat.at(-1) ?? 0,
    rps: lat.length / seconds,
    statuses,
  };
}

/** What a driver needs of an answer: a Response, or the lighter one post() gives. */
export interface Answer {
  ok: boolean;
  status: number;
  text(): Promise<string>;
}
type Send = (i: number) => Promise<Answer>;

/**
 * A keep-alive pool of at most `sockets` connections, as a load balancer keeps to each gateway copy:
 * requests beyond it wait in the driver (and their wait counts, latency being measured from their
 * scheduled time). A driver on fetch opens a new connection for every request in excess, thousands
 * in a burst, and overflows the server's listen backlog (connect timeouts, resets) before the
 * gateway has seen the requests.
 */
export const pool = (sockets = 256) => new Agent({ keepAlive: true, maxSockets: sockets });

/** POST with node:http through `agent` (cheaper for the driver than fetch, which shares the cores). */
export function post(agent: Agent, url: string, headers: Record<string, string>, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ ok: status >= 200 && status < 300, status, text: async () => text });
      });
      res.on('error', reject);
    });
    req.on('error', (e) => reject(Object.assign(new Error(e.message), { cause: e })));
    req.end(body);
  });
}

async function once(
  send: Send,
  i: number,
  check?: (res: Answer, body: string) => boolean,
): Promise<{ ok: boolean; status: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // An answer later than this counts as an error (a loaded machine must not hold the run forever).
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('late'), { cause: { code: 'TIMEOUT_30S' } })), 30_000);
  });
  try {
    const res = await Promise.race([send(i), late]);
    const body = await Promise.race([res.text(), late]);
    return { ok: res.ok && (check?.(res, body) ?? true), status: String(res.status) };
  } catch (e) {
    return { ok: false, status: String((e as { cause?: { code?: string } }).cause?.code ?? 'error') };
  } finally {
    clearTimeout(timer);
  }
}

/** `rate` requests per second for `seconds`, each sent at its scheduled time; latency from that time. */
export async function openLoop(
  rate: number,
  seconds: number,
  send: Send,
  check?: (res: Answer, body: string) => boolean,
): Promise<Timed & { offered: number }> {
  const total = Math.round(rate * seconds);
  const lat: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const t0 = performance.now() + 50;
  const inFlight: Promise<void>[] = [];
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && t0 + (next * 1000) / rate <= now) {
        const at = t0 + (next * 1000) / rate;
        inFlight.push(
          once(send, next, check).then((r) => {
            lat.push(performance.now() - at);
            statuses[r.status] = (statuses[r.status] ?? 0) + 1;
            if (!r.ok) errors++;
          }),
        );
        next++;
      }
      if (next >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(inFlight);
  return { ...summary(lat, errors, seconds, statuses), offered: total };
}

/** `clients` concurrent clients for `seconds`. */
export async function closedLoop(
  clients: number,
  seconds: number,
  send: Send,
  check?: (res: Answer, body: string) => boolean,
): Promise<Timed> {
  const lat: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let i = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        const r = await once(send, i++, check);
        lat.push(performance.now() - t);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (!r.ok) errors++;
      }
    }),
  );
  return summary(lat, errors, (performance.now() - start) / 1000, statuses);
}
