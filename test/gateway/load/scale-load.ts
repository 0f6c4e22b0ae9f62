// Issue 14 items 4 and 5, measured for `npm run bench -- gateway-scale` (never run by tests): fan-out
// to 50 fake agents with one hung, then all answering; previews at an open-loop 2000/s; 500 event
// streams held; job submissions with Idempotency-Key — each on a Node gateway process and under
// workerd. The load driver shares the machine's cores with the gateway and the fake agents.
import { startFleet } from '../helpers/fleet.js';
import { closedLoop, openLoop, pool, post, prng, rssMiB, startGatewayProcess, type GatewayProcess } from './drive.js';

export const SEED = 20261207;
type Runtime = 'node' | 'workerd';
interface Ctx {
  cli: string;
  tmp: string;
  seconds: number;
}

const previewBody = (rand: () => number, agents: number, volumes: number) => {
  const i = Math.floor(rand() * agents);
  const j = Math.floor(rand() * volumes);
  const kinds = [
    { kind: 'move', volume: `v${i}-${j}`, toPool: `p${i}b` },
    { kind: 'clone', volume: `v${i}-${j}`, toPool: `p${i}b`, name: `c${Math.floor(rand() * 1e9)}.img` },
  ];
  return JSON.stringify({ request: kinds[Math.floor(rand() * 2)] });
};

async function withGateway<T>(
  runtime: Runtime,
  fleet: Awaited<ReturnType<typeof startFleet>>,
  ctx: Ctx,
  f: (gw: GatewayProcess) => Promise<T>,
): Promise<T> {
  const gw = await startGatewayProcess(runtime, fleet.config as never, ctx.cli, ctx.tmp);
  try {
    return await f(gw);
  } finally {
    await gw.close();
  }
}

export async function fanOut(ctx: Ctx) {
  const out: Record<string, unknown> = {};
  const hung = await startFleet({ agents: 50, volumes: 20, hung: [17] });
  try {
    await withGateway('node', hung, ctx, async (gw) => {
      const auth = { authorization: `Bearer ${hung.tokens.read}` };
      const t = performance.now();
      const res = await fetch(`${gw.url}/v1/inventory`, { headers: auth });
      const body = (await res.json()) as { agents: { up: boolean; name: string; error?: { code: string } }[] };
      out.hungFirstMs = performance.now() - t;
      out.hungMarked = body.agents.filter((a) => !a.up).map((a) => `${a.name}:${a.error?.code}`);
      const rand = prng(SEED);
      const r = await closedLoop(32, Math.min(ctx.seconds, 5), () =>
        fetch(`${gw.url}/v1/plans`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: previewBody(rand, 17, 20),
        }),
      ); // agents a0..a16: not the hung one
      out.hungPreviews = r;
    });
  } finally {
    await hung.close();
  }
  const all = await startFleet({ agents: 50, volumes: 20 });
  try {
    await withGateway('node', all, ctx, async (gw) => {
      const auth = { authorization: `Bearer ${all.tokens.read}`, 'content-type': 'application/json' };
      await fetch(`${gw.url}/v1/inventory`, { headers: auth });
      const rand = prng(SEED);
      out.allPreviews = await closedLoop(32, Math.min(ctx.seconds, 5), () =>
        fetch(`${gw.url}/v1/plans`, { method: 'POST', headers: auth, body: previewBody(rand, 50, 20) }),
      );
      out.allInventory = await closedLoop(8, Math.min(ctx.seconds, 3), () =>
        fetch(`${gw.url}/v1/inventory`, { headers: auth }),
      );
    });
  } finally {
    await all.close();
  }
  return out;
}

export async function openLoopPreviews(ctx: Ctx, runtime: Runtime, rate = 2000) {
  const fleet = await startFleet({ agents: 2, volumes: 500 });
  try {
    return await withGateway(runtime, fleet, ctx, async (gw) => {
      const headers = { authorization: `Bearer ${fleet.tokens.read}`, 'content-type': 'application/json' };
      const rand = prng(SEED);
      // More connections than the gateway's maxInFlight (256): what it cannot answer in time it must refuse (503).
      const sockets = pool(1024);
      const send = () => post(sockets, `${gw.url}/v1/plans`, headers, previewBody(rand, 2, 500));
      try {
        await closedLoop(8, 1, send); // warm-up
        return await openLoop(rate, ctx.seconds, send);
      } finally {
        sockets.destroy();
      }
    });
  } finally {
    await fleet.close();
  }
}

async function plans(url: string, token: string, n: number) {
  const rand = prng(SEED + 1);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return Promise.all(
    Array.from(
      { length: n },
      async () =>
        (
          (await (
            await fetch(`${url}/v1/plans`, { method: 'POST', headers, body: previewBody(rand, 2, 500) })
          ).json()) as { plan: unknown }
        ).plan,
    ),
  );
}

export async function sseHold(ctx: Ctx, runtime: Runtime, streams = 500) {
  const fleet = await startFleet({ agents: 2, volumes: 500 });
  try {
    return await withGateway(runtime, fleet, ctx, async (gw) => {
      const headers = { authorization: `Bearer ${fleet.tokens.write}`, 'content-type': 'application/json' };
      const ps = await plans(gw.url, fleet.tokens.write, streams);
      const ids: string[] = [];
      let refused = 0;
      for (const [k, plan] of ps.entries()) {
        const id = (
          (await (
            await fetch(`${gw.url}/v1/jobs`, {
              method: 'POST',
              headers: { ...headers, 'idempotency-key': `sse-${k}` },
              body: JSON.stringify({ plan }),
            })
          ).json()) as { id?: string }
        ).id;
        if (typeof id === 'string') ids.push(id);
        else refused++;
      }
      const agentOf = (id: string) => fleet.agents.find((a) => a.name === id.split('~')[0])!;
      const ticker = setInterval(() => {
        for (const id of ids) agentOf(id).emit(id.split('~')[1]!, 'progress', { progress: Math.random() });
      }, 500);
      let events = 0;
      let ended = 0;
      let errors = refused;
      const readers = ids.map(async (id) => {
        try {
          const res = await fetch(`${gw.url}/v1/jobs/${encodeURIComponent(id)}/events`, { headers });
          if (res.status !== 200) {
            errors++;
            return;
          }
          const dec = new TextDecoder();
          let text = '';
          const reader = res.body!.getReader();
          for (let r = await reader.read(); !r.done; r = await reader.read()) {
            text += dec.decode(r.value, { stream: true });
            const blocks = text.split('\n\n');
            text = blocks.pop()!;
            for (const b of blocks)
              if (/^event: /m.test(b)) {
                events++;
                if (/^event: end$/m.test(b)) ended++;
              }
          }
        } catch {
          errors++;
        }
      });
      const rss: number[] = [];
      const start = Date.now();
      while (Date.now() - start < ctx.seconds * 1000) {
        rss.push(rssMiB(gw.pid));
        await new Promise((r) => setTimeout(r, 500));
      }
      clearInterval(ticker);
      for (const id of ids) agentOf(id).emit(id.split('~')[1]!, 'end', { state: 'done' });
      await Promise.all(readers);
      return {
        streams: ids.length + refused,
        events,
        ended,
        errors,
        rss: {
          first: rss[0] ?? 0,
          warm: rss[Math.floor(rss.length / 3)] ?? 0,
          last: rss.at(-1) ?? 0,
          max: Math.max(0, ...rss),
        },
      };
    });
  } finally {
    await fleet.close();
  }
}

export async function submissions(ctx: Ctx, runtime: Runtime, clients = 32) {
  const fleet = await startFleet({ agents: 2, volumes: 500 });
  try {
    return await withGateway(runtime, fleet, ctx, async (gw) => {
      const headers = { authorization: `Bearer ${fleet.tokens.write}`, 'content-type': 'application/json' };
      const bodies = (await plans(gw.url, fleet.tokens.write, 200)).map((plan) => JSON.stringify({ plan }));
      const rand = prng(SEED + 2);
      const first = new Map<number, string>();
      let replays = 0;
      let mismatched = 0;
      // One submission in ten retries an earlier key with its body: it must answer 200 with the same job.
      const r = await closedLoop(clients, ctx.seconds, (i) => {
        const retry = i > 10 && rand() < 0.1 ? Math.floor(rand() * Math.min(i, 1000)) : -1;
        const k = retry >= 0 && first.has(retry) ? retry : i;
        return fetch(`${gw.url}/v1/jobs`, {
          method: 'POST',
          headers: { ...headers, 'idempotency-key': `key-${runtime}-${k}` },
          body: bodies[k % bodies.length]!,
        }).then(async (res) => {
          const text = await res.clone().text();
          const id = res.ok ? (JSON.parse(text) as { id: string }).id : '';
          if (k !== i) {
            replays++;
            if (first.get(k) !== id || res.status !== 200) mismatched++;
          } else if (res.ok) first.set(i, id);
          return res;
        });
      });
      return { ...r, replays, mismatched };
    });
  } finally {
    await fleet.close();
  }
}
export { realAgentPreviews, REAL_SEED } from './real-agents.js';
