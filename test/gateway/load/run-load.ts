// The gateway under load on loopback, for `npm run bench` (scripts/bench/gateway.mjs): `vdisk gateway`
// in its own process in front of an agent-shaped upstream, N concurrent plan previews and M concurrent
// SSE streams for a while. Reports requests per second, latency percentiles, errors and the gateway
// process's resident memory over time. Never run by tests (speed is measured here only).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeAgent } from '../helpers/fake-agent.js';
import { rand } from '../helpers/setup.js';
import { alphaInventory } from '../helpers/worlds.js';

export interface LoadResult {
  previews: { count: number; rps: number; p50: number; p99: number; errors: number };
  streams: { count: number; events: number; errors: number; ended: number };
  /** `warm`: after a third of the run, the baseline once caches and pools have filled. */
  rssMiB: { first: number; warm: number; last: number; max: number };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const rssOf = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

export async function runLoad(opts: {
  cli: string;
  tmp: string;
  seconds: number;
  previews: number;
  streams: number;
}): Promise<LoadResult> {
  const agent = await startFakeAgent({ name: 'alpha', secret: `alpha-${rand()}`, inventory: alphaInventory });
  const token = `w${rand()}`;
  writeFileSync(join(opts.tmp, 'alpha.secret'), agent.secret, { mode: 0o600 });
  writeFileSync(join(opts.tmp, 'tokens'), `write ${token}\n`, { mode: 0o600 });
  const gw = spawn(
    process.execPath,
    [
      opts.cli,
      'gateway',
      '--agent',
      `alpha=${agent.url},secret-file=${join(opts.tmp, 'alpha.secret')}`,
      '--token-file',
      join(opts.tmp, 'tokens'),
      '--listen',
      '127.0.0.1:0',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    gw.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    gw.once('exit', () => reject(new Error(`vdisk gateway exited: ${out}`)));
  });
  gw.stdout.resume();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const body = JSON.stringify({ request: { kind: 'move', volume: 'data', toPool: 'p2' } });
  const deadline = Date.now() + opts.seconds * 1000;
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(rssOf(gw.pid!)), 1000);
  try {
    // Jobs whose events keep coming (one progress event per job every 200 ms) until the end.
    const jobs: string[] = [];
    for (let i = 0; i < opts.streams; i++) {
      const { plan } = (await (await fetch(`${url}/v1/plans`, { method: 'POST', headers, body })).json()) as {
        plan: unknown;
      };
      const r = await fetch(`${url}/v1/jobs`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': `k${i}` },
        body: JSON.stringify({ plan }),
      });
      jobs.push(((await r.json()) as { id: string }).id);
    }
    const ticker = setInterval(() => {
      for (const j of jobs) agent.emit(j.split('~')[1]!, 'progress', { progress: Math.random() });
    }, 200);
    const streams = { count: jobs.length, events: 0, errors: 0, ended: 0 };
    const streaming = jobs.map(async (id) => {
      try {
        const res = await fetch(`${url}/v1/jobs/${id}/events`, { headers });
        if (res.status !== 200) {
          streams.errors++;
          return;
        }
        const reader = res.body!.getReader();
        const dec = new TextDecoder();
        let text = '';
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          text += dec.decode(value, { stream: true });
          const blocks = text.split('\n\n');
          text = blocks.pop()!;
          for (const b of blocks)
            if (/^event: /m.test(b)) {
              streams.events++;
              if (/^event: end$/m.test(b)) streams.ended++;
            }
        }
      } catch {
        streams.errors++;
      }
    });
    const latencies: number[] = [];
    let errors = 0;
    await Promise.all(
      Array.from({ length: opts.previews }, async () => {
        while (Date.now() < deadline) {
          const t = performance.now();
          try {
            const res = await fetch(`${url}/v1/plans`, { method: 'POST', headers, body });
            await res.arrayBuffer();
            if (res.status !== 200) errors++;
          } catch {
            errors++;
          }
          latencies.push(performance.now() - t);
        }
      }),
    );
    clearInterval(ticker);
    for (const j of jobs) agent.emit(j.split('~')[1]!, 'end', { state: 'done' });
    await Promise.all(streaming);
    latencies.sort((a, b) => a - b);
    return {
      previews: {
        count: latencies.length,
        rps: latencies.length / opts.seconds,
        p50: pct(latencies, 0.5),
        p99: pct(latencies, 0.99),
        errors,
      },
      streams,
      rssMiB: {
        first: rss[0] ?? 0,
        warm: rss[Math.floor(rss.length / 3)] ?? 0,
        last: rss.at(-1) ?? 0,
        max: Math.max(0, ...rss),
      },
    };
  } finally {
    clearInterval(sampler);
    gw.kill('SIGTERM');
    await agent.close();
  }
}
