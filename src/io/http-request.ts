// One HTTP exchange with the policies every request of an HTTP source shares: extra and signed
// headers, a timeout per attempt (body included), a small bounded number of retries on transient
// failures, and errors mapped to vdisk codes without leaking signed query strings.
import { VdiskError } from '../errors/vdisk-error.js';
import { linkedAbort } from './linked-abort.js';

export interface SignRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
}
/** Returns headers to add, e.g. an Authorization signature over method, URL and Range. */
export type Signer = (req: SignRequest) => Promise<Record<string, string>>;

export interface HttpOptions {
  headers?: Record<string, string>;
  sign?: Signer;
  /** Per attempt, including reading the body. Default 30 s. */
  timeoutMs?: number;
  /** Extra attempts after a transient failure. Default 2. */
  retries?: number;
  /** Pause before the first retry, doubled for each further one. Default 100 ms. */
  retryDelayMs?: number;
  /** Cancels every request of the source. */
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

/** A failure worth another attempt: network errors, 408/429/5xx, a body cut short. */
export class TransientError extends Error {}

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** Requests sent by HTTP sources in this context (a worker's stats show them): every attempt counts. */
export const httpCounters = { requests: 0 };

/** The URL without credentials or query string, which may carry a signature. */
export function displayUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/** The error for a response status the caller did not expect. */
export function statusError(res: Response, name: string): Error {
  const s = res.status;
  const what = `HTTP ${s} ${res.statusText} from ${name}`;
  if (TRANSIENT_STATUS.has(s)) return new TransientError(what);
  if (s === 401 || s === 403) return new VdiskError('E_PERMISSION', what, { path: name, status: s });
  if (s === 404 || s === 410) return new VdiskError('E_NOT_FOUND', what, { path: name, status: s });
  return new VdiskError('E_IO', what, { path: name, status: s });
}

export type Attempt<T> = (
  send: (method: string, url: string, headers?: Record<string, string>) => Promise<Response>,
) => Promise<T>;

/**
 * Run `attempt` until it succeeds, fails for good, or runs out of retries. `attempt` sends its requests
 * through `send` and reads their bodies inside, so a timeout or a cut connection retries the whole step.
 */
export async function withRetries<T>(opts: HttpOptions, name: string, what: string, attempt: Attempt<T>): Promise<T> {
  const tries = 1 + Math.max(0, opts.retries ?? 2);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    if (i > 0) await sleep((opts.retryDelayMs ?? 100) * 2 ** (i - 1), opts.signal);
    const link = linkedAbort([opts.signal]);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      link.controller.abort(new TransientError(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const send = async (method: string, url: string, headers: Record<string, string> = {}) => {
      // No Accept-Encoding: fetch itself asks for `identity` on Range requests (Fetch standard, HTTP-network
      // fetch), so the bytes of a range are never compressed ones.
      const h: Record<string, string> = { ...opts.headers, ...headers };
      if (opts.sign) Object.assign(h, await signed(opts.sign, { method, url, headers: { ...h } }, name));
      httpCounters.requests++;
      return (opts.fetch ?? fetch)(url, { method, headers: h, signal: link.signal, redirect: 'follow' });
    };
    try {
      return await attempt(send);
    } catch (e) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (e instanceof VdiskError) throw e;
      last = timedOut ? new TransientError(`timed out after ${timeoutMs} ms`) : e;
    } finally {
      clearTimeout(timer);
      link.unlink();
    }
  }
  const reason = last instanceof Error ? describe(last) : String(last);
  throw new VdiskError('E_IO', `${what} ${name} failed after ${tries} attempts: ${reason}`, {
    path: name,
    attempts: tries,
  });
}

async function signed(sign: Signer, req: SignRequest, name: string): Promise<Record<string, string>> {
  try {
    return await sign(req);
  } catch (e) {
    throw new VdiskError('E_IO', `signing a request to ${name} failed: ${(e as Error).message}`, { path: name });
  }
}

// undici says only "fetch failed"; the useful part (ECONNREFUSED, ECONNRESET) is in the cause.
function describe(e: Error): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? e.message;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(t);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
