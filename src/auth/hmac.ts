// Request signing between the gateway and host agents (docs/contracts.md): HMAC-SHA256 over the
// method, the agent the call is meant for, Host, path and query, timestamp, nonce, the headers that
// change what a call does (SIGNED_HEADERS) and the body's digest. Web Crypto only, so it runs on Node
// and workerd. Verification is split so an agent can check the cheap parts (header shapes, clock)
// before it reads a byte of body, then hash the body while streaming it under a cap.
import { VdiskError } from '../errors/vdisk-error.js';

export const SIG_HEADERS = {
  agent: 'x-vdisk-agent',
  timestamp: 'x-vdisk-timestamp',
  nonce: 'x-vdisk-nonce',
  signature: 'x-vdisk-signature',
} as const;

/** Headers whose value is signed (empty when absent): each changes which bytes or job a call gets. */
export const SIGNED_HEADERS = ['idempotency-key', 'range', 'last-event-id', 'x-vdisk-caller'] as const;

/** First line of the signed string; a new layout gets a new version, never a silent change. */
const VERSION = 'vdisk-sig-2';

/** How far a timestamp may be from the verifier's clock, either way. */
export const REPLAY_WINDOW_MS = 60_000;

const TIMESTAMP = /^\d{1,16}$/;
const NONCE = /^[A-Za-z0-9_-]{16,128}$/;
const SIGNATURE = /^[0-9a-fA-F]{64}$/;

const enc = new TextEncoder();

export type HeaderLookup = (name: string) => string | undefined | null;

function hex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function sha256Hex(body: Uint8Array | string): Promise<string> {
  const bytes = typeof body === 'string' ? enc.encode(body) : new Uint8Array(body); // a copy backed by a plain ArrayBuffer
  return hex(await crypto.subtle.digest('SHA-256', bytes));
}

async function hmacHex(secret: string, msg: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return hex(await crypto.subtle.sign('HMAC', key, enc.encode(msg)));
}

/** What a signature covers. `host` is the URL's authority as `new URL(u).host` spells it. */
export interface CanonicalParts {
  method: string;
  agent: string;
  host: string;
  pathAndQuery: string;
  timestamp: string;
  nonce: string;
  header: HeaderLookup;
  bodyHex: string;
}

export function canonical(p: CanonicalParts): string {
  const signed = SIGNED_HEADERS.map((h) => p.header(h) ?? '');
  return [
    VERSION,
    p.method.toUpperCase(),
    p.agent,
    p.host.toLowerCase(),
    p.pathAndQuery,
    p.timestamp,
    p.nonce,
    ...signed,
    p.bodyHex,
  ].join('\n');
}

function randomNonce(): string {
  const b = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...b))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

export interface CallToSign {
  /** The agent's configured name: a signature made for one agent is refused by every other. */
  agent: string;
  method: string;
  /** The full URL the call goes to; its host and path+query are signed. */
  url: string;
  /** The headers the call carries (SIGNED_HEADERS among them are signed). */
  headers?: Record<string, string>;
  body?: Uint8Array | string;
}

/** Headers to add to a request. `now` and `nonce` are injectable for tests. */
export async function signRequest(
  secret: string,
  call: CallToSign,
  now = Date.now(),
  nonce = randomNonce(),
): Promise<Record<string, string>> {
  const url = new URL(call.url);
  const lower = Object.fromEntries(Object.entries(call.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const timestamp = String(now);
  const msg = canonical({
    method: call.method,
    agent: call.agent,
    host: url.host,
    pathAndQuery: url.pathname + url.search,
    timestamp,
    nonce,
    header: (n) => lower[n],
    bodyHex: await sha256Hex(call.body ?? ''),
  });
  return {
    [SIG_HEADERS.agent]: call.agent,
    [SIG_HEADERS.timestamp]: timestamp,
    [SIG_HEADERS.nonce]: nonce,
    [SIG_HEADERS.signature]: await hmacHex(secret, msg),
  };
}

/** Constant-time equality of two strings (length is not secret). */
export function timingSafeEqualStr(a: string, b: string): boolean {
  const x = enc.encode(a);
  const y = enc.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** Where a verifier remembers nonces; false when the nonce was already used. */
export interface NonceStore {
  remember(nonce: string, now: number): boolean;
}

/** Remembers nonces for the replay window; bounded by the window, not by traffic history. */
export class NonceCache implements NonceStore {
  private seen = new Map<string, number>();
  constructor(
    private readonly windowMs = REPLAY_WINDOW_MS,
    private readonly max = 100_000,
  ) {}
  /** False if the nonce was already used. */
  remember(nonce: string, now: number): boolean {
    this.expire(now);
    if (this.seen.has(nonce)) return false;
    if (this.seen.size >= this.max) throw new VdiskError('E_AUTH_REPLAY', 'too many requests in the replay window');
    this.seen.set(nonce, now);
    return true;
  }
  /** Puts back a nonce seen at `at` (a restart reloading its log); older than the window, dropped. */
  restore(nonce: string, at: number, now: number): void {
    if (at >= now - this.windowMs * 2 && this.seen.size < this.max) this.seen.set(nonce, at);
  }
  /** How many nonces are still inside the window. */
  count(now: number): number {
    this.expire(now);
    return this.seen.size;
  }
  /** The nonces still inside the window, oldest first. */
  live(now: number): [string, number][] {
    this.expire(now);
    return [...this.seen];
  }
  // A timestamp may lead the clock by a window, so a nonce is kept for two.
  private expire(now: number): void {
    for (const [n, t] of this.seen) {
      if (t >= now - this.windowMs * 2) break;
      this.seen.delete(n);
    }
  }
}

/** The signature headers, checked for shape and freshness; needs no body and no secret. */
export interface SignatureHeaders {
  agent: string;
  timestamp: string;
  nonce: string;
  signature: string;
}

/** Throws E_AUTH_* unless the signature headers are present, well formed and inside the window. */
export function checkSignatureHeaders(header: HeaderLookup, now = Date.now()): SignatureHeaders {
  const agent = header(SIG_HEADERS.agent);
  const timestamp = header(SIG_HEADERS.timestamp);
  const nonce = header(SIG_HEADERS.nonce);
  const signature = header(SIG_HEADERS.signature);
  if (!agent || !timestamp || !nonce || !signature) throw new VdiskError('E_AUTH_MISSING', 'request is not signed');
  if (!TIMESTAMP.test(timestamp) || Math.abs(now - Number(timestamp)) > REPLAY_WINDOW_MS) {
    throw new VdiskError('E_AUTH_STALE', 'signature timestamp outside the replay window');
  }
  if (!NONCE.test(nonce)) throw new VdiskError('E_AUTH_BAD_SIGNATURE', 'malformed nonce');
  if (!SIGNATURE.test(signature)) throw new VdiskError('E_AUTH_BAD_SIGNATURE', 'malformed signature');
  return { agent, timestamp, nonce, signature };
}

export interface SignedRequestParts {
  /** The verifier's own name (never the header's claim). */
  agent: string;
  method: string;
  host: string;
  pathAndQuery: string;
  header: HeaderLookup;
}

/** Throws E_AUTH_BAD_SIGNATURE unless the signature matches one of the secrets (two are valid at once
 * while a secret is rotated); `bodyHex` is the body's SHA-256. */
export async function verifySignature(
  secret: string | readonly string[],
  req: SignedRequestParts,
  sig: SignatureHeaders,
  bodyHex: string,
): Promise<void> {
  if (sig.agent !== req.agent)
    throw new VdiskError(
      'E_AUTH_WRONG_AGENT',
      `the request was signed for agent ${sig.agent.slice(0, 32)}, not ${req.agent}`,
    );
  const msg = canonical({ ...req, timestamp: sig.timestamp, nonce: sig.nonce, bodyHex });
  let matched = false;
  for (const s of typeof secret === 'string' ? [secret] : secret)
    matched = timingSafeEqualStr(await hmacHex(s, msg), sig.signature.toLowerCase()) || matched;
  if (!matched) throw new VdiskError('E_AUTH_BAD_SIGNATURE', 'signature does not match');
}

/** All checks at once, for a verifier that already holds the body (tests, small fakes). */
export async function verifyRequest(
  secret: string | readonly string[],
  req: SignedRequestParts & { body: Uint8Array | string },
  nonces: NonceStore,
  now = Date.now(),
): Promise<void> {
  const sig = checkSignatureHeaders(req.header, now);
  await verifySignature(secret, req, sig, await sha256Hex(req.body));
  if (!nonces.remember(sig.nonce, now)) throw new VdiskError('E_AUTH_REPLAY', 'nonce already used');
}
