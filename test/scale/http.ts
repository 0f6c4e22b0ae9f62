// The clients' HTTP: a bearer token, a timeout on every call, and a verdict per answer that says
// whether the same request may be sent again (network errors and 5xx) or is final (2xx, 4xx).
import type { Gateway } from './gateways.js';
import type { Rng } from './rng.js';

export interface Answer {
  kind: 'ok' | 'final' | 'retry';
  status: number;
  json?: any;
  error?: string;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function call(
  gw: Gateway,
  token: string,
  path: string,
  init: RequestInit = {},
  timeoutMs = 60_000,
): Promise<Answer> {
  try {
    const res = await fetch(gw.url + path, {
      ...init,
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        ...(init.headers as Record<string, string>),
        authorization: `Bearer ${token}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
    });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = { text: text.slice(0, 200) };
    }
    const kind = res.status < 400 ? 'ok' : res.status < 500 ? 'final' : 'retry';
    return { kind, status: res.status, json };
  } catch (e) {
    return { kind: 'retry', status: 0, error: String((e as Error).message ?? e) };
  }
}

/** A gateway that is up, picked at random (`not`: another than this one when there is one). */
export function pickGateway(gws: Gateway[], rng: Rng, not?: Gateway): Gateway {
  const up = gws.filter((g) => g.up && g !== not);
  return up.length ? rng.pick(up) : rng.pick(gws.filter((g) => g !== not).length ? gws.filter((g) => g !== not) : gws);
}

/** Calls through random gateways until the answer is not `retry` or `deadline` passes (then the last `retry`). */
export async function retrying(
  gws: Gateway[],
  rng: Rng,
  deadline: number,
  f: (gw: Gateway) => Promise<Answer>,
  onRetry: (a: Answer) => void = () => {},
): Promise<Answer> {
  let wait = 100;
  for (;;) {
    const a = await f(pickGateway(gws, rng));
    if (a.kind !== 'retry' || Date.now() > deadline) return a;
    onRetry(a);
    await sleep(wait);
    wait = Math.min(wait * 2, 1_000);
  }
}
