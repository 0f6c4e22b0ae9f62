// Request signing between the gateway and host agents: HMAC-SHA256 over method, path, timestamp,
// nonce and the body's digest (docs/contracts.md). Web Crypto only, so it runs on Node and workerd.
import { VdiskError } from '../errors/vdisk-error.js';

export const SIG_HEADERS = {
  timestamp: 'x-vdisk-timestamp',
  nonce: 'x-vdisk-nonce',
  signature: 'x-vdisk-signature',
} as const;

/** How far a timestamp may be from the verifier's clock, either way. */
export const REPLAY_WINDOW_MS = 60_000;

const enc = new TextEncoder();

function hex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function sha256Hex(body: Uint8Array | string): Promise<string> {
  const bytes = typeof body === 'string' ? enc.encode(body) : new Uint8Array(body); // a copy backed by a plain ArrayBuffer
  return hex(await crypto.subtle.digest('SHA-256', bytes));
}

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

export function canonical(method: string, pathAndQuery: string, timestamp: string, nonce: string, bodyHex: string): string {
  return [method.toUpperCase(), pathAndQuery, timestamp, nonce, bodyHex].join('\n');
}

function randomNonce(): string {
  const b = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Headers to add to a request. `now` and `nonce` are injectable for tests. */
export async function signRequest(
  secret: string, method: string, pathAndQuery: string, body: Uint8Array | string = '',
  now = Date.now(), nonce = randomNonce(),
): Promise<Record<string, string>> {
  const timestamp = String(now);
  const msg = canonical(method, pathAndQuery, timestamp, nonce, await sha256Hex(body));
  const sig = hex(await crypto.subtle.sign('HMAC', await hmacKey(secret), enc.encode(msg)));
  return { [SIG_HEADERS.timestamp]: timestamp, [SIG_HEADERS.nonce]: nonce, [SIG_HEADERS.signature]: sig };
}

/** Constant-time equality of two strings (length is not secret). */
export function timingSafeEqualStr(a: string, b: string): boolean {
  const x = enc.encode(a);
  const y = enc.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** Remembers nonces for the replay window; bounded by the window, not by traffic history. */
export class NonceCache {
  private seen = new Map<string, number>();
  constructor(private readonly windowMs = REPLAY_WINDOW_MS, private readonly max = 100_000) {}
  /** False if the nonce was already used. */
  remember(nonce: string, now: number): boolean {
    for (const [n, t] of this.seen) { if (t >= now - this.windowMs * 2) break; this.seen.delete(n); }
    if (this.seen.has(nonce)) return false;
    if (this.seen.size >= this.max) throw new VdiskError('E_AUTH_REPLAY', 'too many requests in the replay window');
    this.seen.set(nonce, now);
    return true;
  }
}

export interface SignedRequestParts {
  method: string; pathAndQuery: string; body: Uint8Array | string;
  header: (name: string) => string | undefined | null;
}

/** Throws VdiskError E_AUTH_* unless the request carries a fresh, unreplayed, valid signature by the
 * secret (or by one of the secrets: two are valid at once while a secret is rotated). */
export async function verifyRequest(
  secret: string | readonly string[], req: SignedRequestParts, nonces: NonceCache, now = Date.now(),
): Promise<void> {
  const ts = req.header(SIG_HEADERS.timestamp);
  const nonce = req.header(SIG_HEADERS.nonce);
  const sig = req.header(SIG_HEADERS.signature);
  if (!ts || !nonce || !sig) throw new VdiskError('E_AUTH_MISSING', 'request is not signed');
  if (!/^\d{1,16}$/.test(ts) || Math.abs(now - Number(ts)) > REPLAY_WINDOW_MS) {
    throw new VdiskError('E_AUTH_STALE', 'signature timestamp outside the replay window');
  }
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(nonce)) throw new VdiskError('E_AUTH_BAD_SIGNATURE', 'malformed nonce');
  const msg = canonical(req.method, req.pathAndQuery, ts, nonce, await sha256Hex(req.body));
  let matched = false;
  for (const s of typeof secret === 'string' ? [secret] : secret) {
    const want = hex(await crypto.subtle.sign('HMAC', await hmacKey(s), enc.encode(msg)));
    matched = timingSafeEqualStr(want, sig.toLowerCase()) || matched;
  }
  if (!matched) throw new VdiskError('E_AUTH_BAD_SIGNATURE', 'signature does not match');
  if (!nonces.remember(nonce, now)) throw new VdiskError('E_AUTH_REPLAY', 'nonce already used');
}
