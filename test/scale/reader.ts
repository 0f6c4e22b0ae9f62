// An SSE reader of one job that survives everything the chaos does: when its stream breaks (a
// gateway or the agent was killed) or when it decides to switch (after a seeded number of events),
// it reconnects through a gateway picked at random, with Last-Event-ID set to the last id it saw.
// It keeps every event it saw, so the checks can ask for ids 1..n without a gap or a repeat.
import { sseReader } from '../gateway/helpers/sse-client.js';
import type { Gateway } from './gateways.js';
import { pickGateway, sleep } from './http.js';
import type { Rng } from './rng.js';

export interface SeenEvent {
  id: number;
  event: string;
  data: string;
}
export interface ReadResult {
  events: SeenEvent[];
  connects: number;
  switches: number;
  errors: string[];
}

export interface ReaderOptions {
  gws: Gateway[];
  token: string;
  jobId: string;
  rng: Rng;
  deadline: number;
  /** Leave and reconnect through another gateway after this many events on one connection (none: only when cut). */
  switchEvery?: number;
  onEvent?(e: SeenEvent): void;
}

export async function follow(o: ReaderOptions): Promise<ReadResult> {
  const r: ReadResult = { events: [], connects: 0, switches: 0, errors: [] };
  let last: Gateway | undefined;
  let switching = false;
  while (Date.now() < o.deadline) {
    const gw = pickGateway(o.gws, o.rng, switching ? last : undefined);
    last = gw;
    switching = false;
    const lastId = r.events.at(-1)?.id;
    let res: Response;
    try {
      res = await fetch(`${gw.url}/v1/jobs/${encodeURIComponent(o.jobId)}/events`, {
        headers: {
          authorization: `Bearer ${o.token}`,
          accept: 'text/event-stream',
          ...(lastId !== undefined ? { 'last-event-id': String(lastId) } : {}),
        },
        signal: AbortSignal.timeout(Math.max(1, o.deadline - Date.now())),
      });
    } catch {
      await sleep(150);
      continue;
    }
    r.connects++;
    if (res.status !== 200) {
      const body = await res.text().catch(() => '');
      // 5xx: the agent is down or restarting; 429: too many streams for a moment. Anything else is a finding.
      if (res.status < 500 && res.status !== 429) r.errors.push(`${gw.name} ${res.status} ${body.slice(0, 200)}`);
      if (r.errors.length > 20) return r;
      await sleep(200);
      continue;
    }
    const sse = sseReader(res);
    let onThis = 0;
    try {
      for (let b = await sse.nextEvent(); b; b = await sse.nextEvent()) {
        const e = { id: Number(b.id), event: b.event ?? 'message', data: b.data ?? '' };
        r.events.push(e);
        o.onEvent?.(e);
        if (e.event === 'end') {
          await sse.cancel().catch(() => {});
          return r;
        }
        if (o.switchEvery && ++onThis >= o.switchEvery) {
          switching = true;
          r.switches++;
          await sse.cancel().catch(() => {});
          break;
        }
      }
    } catch {
      // cut: reconnect below
    }
    if (!switching) await sleep(100);
  }
  r.errors.push('deadline passed before the end event');
  return r;
}
