// Every call is signed (docs/contracts.md) and bounded before it is trusted: the signature headers'
// shape, the clock and Content-Length are checked before a byte of body is read; the body is then
// streamed under a hard cap and hashed as it comes; only then is the HMAC checked and the nonce spent.
// What a refusal leaves unread is dropped by the server under a bound (src/agent/server.ts).
// The raw body kept here is the exact signed bytes (idempotency hashes them).
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { checkSignatureHeaders, NonceCache, verifySignature, type NonceStore } from '../../auth/hmac.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import { problemResponse, toVdiskError } from './problem.js';

export type AuthEnv = { Variables: { rawBody: Uint8Array } };

export interface AuthOptions {
  /** This agent's name: signatures made for another agent are refused. */
  agent: string;
  /** One secret, or two while it is rotated: a signature by either is accepted. */
  secret: string | readonly string[];
  maxBodyBytes: number;
  nonces?: NonceStore;
  clock?: () => number;
}

export function hmacAuth(opts: AuthOptions): MiddlewareHandler<AuthEnv> {
  const nonces = opts.nonces ?? new NonceCache();
  const clock = opts.clock ?? Date.now;
  return async (c, next) => {
    const header = (n: string) => c.req.header(n);
    const bodyless = c.req.method === 'GET' || c.req.method === 'HEAD';
    let body: Uint8Array;
    try {
      const sig = checkSignatureHeaders(header, clock());
      if (sig.agent !== opts.agent)
        throw new VdiskError(
          'E_AUTH_WRONG_AGENT',
          `the request was signed for agent ${sig.agent.slice(0, 32)}, not ${opts.agent}`,
        );
      const read = bodyless
        ? { bytes: new Uint8Array(), hex: emptyHex }
        : await readCapped(c.req.raw, opts.maxBodyBytes);
      body = read.bytes;
      const url = new URL(c.req.url);
      await verifySignature(
        opts.secret,
        { agent: opts.agent, method: c.req.method, host: url.host, pathAndQuery: url.pathname + url.search, header },
        sig,
        read.hex,
      );
      if (!nonces.remember(sig.nonce, clock())) throw new VdiskError('E_AUTH_REPLAY', 'nonce already used');
    } catch (e) {
      return problemResponse(toVdiskError(e));
    }
    c.set('rawBody', body);
    await next();
  };
}

const emptyHex = createHash('sha256').digest('hex');

/** The body, at most `max` bytes, and its SHA-256; a declared or streamed excess is a 413. */
async function readCapped(req: Request, max: number): Promise<{ bytes: Uint8Array; hex: string }> {
  const declared = req.headers.get('content-length');
  if (declared !== null && !/^\d{1,16}$/.test(declared)) throw new VdiskError('E_AGENT_BAD_LENGTH');
  const tooLarge = () => new VdiskError('E_AGENT_BODY_TOO_LARGE', `the body is over ${max} bytes`, { value: max });
  if (declared !== null && Number(declared) > max) throw tooLarge();
  const hash = createHash('sha256');
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = req.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    hash.update(value);
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const ch of chunks) {
    bytes.set(ch, at);
    at += ch.byteLength;
  }
  return { bytes, hex: hash.digest('hex') };
}
