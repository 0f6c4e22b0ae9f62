import { describe, expect, it } from 'vitest';
import {
  NonceCache,
  signRequest,
  verifyRequest,
  timingSafeEqualStr,
  checkSignatureHeaders,
} from '../../src/auth/hmac.js';

const secret = 'correct horse battery staple';
const now = 1_700_000_000_000;
const call = {
  agent: 'h1',
  method: 'POST',
  url: 'https://agent.example:7420/v1/jobs?x=1',
  headers: { 'Idempotency-Key': 'k1' },
  body: '{"a":1}',
};

type Over = Partial<{
  agent: string;
  method: string;
  host: string;
  path: string;
  body: string;
  headers: Record<string, string>;
}>;

function parts(sig: Record<string, string>, over: Over = {}) {
  const headers: Record<string, string> = { 'idempotency-key': 'k1', ...over.headers, ...sig };
  return {
    agent: over.agent ?? 'h1',
    method: over.method ?? 'POST',
    host: over.host ?? 'agent.example:7420',
    pathAndQuery: over.path ?? '/v1/jobs?x=1',
    body: over.body ?? '{"a":1}',
    header: (n: string) => headers[n.toLowerCase()],
  };
}

describe('request signatures', () => {
  it('accepts a fresh signature once and refuses its replay', async () => {
    const h = await signRequest(secret, call, now);
    const nonces = new NonceCache();
    await expect(verifyRequest(secret, parts(h), nonces, now + 10)).resolves.toBeUndefined();
    await expect(verifyRequest(secret, parts(h), nonces, now + 20)).rejects.toMatchObject({ code: 'E_AUTH_REPLAY' });
  });

  it.each([
    ['method', { method: 'PUT' }],
    ['path', { path: '/v1/jobs?x=2' }],
    ['body', { body: '{"a":2}' }],
    ['host', { host: 'other:7420' }],
    ['Idempotency-Key', { headers: { 'idempotency-key': 'k2' } }],
    ['Range', { headers: { range: 'bytes=0-1' } }],
    ['Last-Event-ID', { headers: { 'last-event-id': '7' } }],
    ['X-Vdisk-Caller', { headers: { 'x-vdisk-caller': 'mallory' } }],
  ] as [string, Over][])('refuses a request whose %s was changed or added', async (_n, over) => {
    const h = await signRequest(secret, call, now);
    await expect(verifyRequest(secret, parts(h, over), new NonceCache(), now)).rejects.toMatchObject({
      code: 'E_AUTH_BAD_SIGNATURE',
    });
  });

  it('refuses a signature made for another agent, whatever the agent header claims', async () => {
    const forA = await signRequest(secret, { ...call, agent: 'a' }, now);
    await expect(verifyRequest(secret, parts(forA, { agent: 'b' }), new NonceCache(), now)).rejects.toMatchObject({
      code: 'E_AUTH_WRONG_AGENT',
    });
    await expect(
      verifyRequest(secret, parts({ ...forA, 'x-vdisk-agent': 'b' }, { agent: 'b' }), new NonceCache(), now),
    ).rejects.toMatchObject({ code: 'E_AUTH_BAD_SIGNATURE' });
  });

  it('refuses a wrong secret, a stale timestamp, a missing header and malformed shapes before any body', async () => {
    const h = await signRequest('other', call, now);
    await expect(verifyRequest(secret, parts(h), new NonceCache(), now)).rejects.toMatchObject({
      code: 'E_AUTH_BAD_SIGNATURE',
    });
    const old = await signRequest(secret, call, now - 61_000);
    await expect(verifyRequest(secret, parts(old), new NonceCache(), now)).rejects.toMatchObject({
      code: 'E_AUTH_STALE',
    });
    const { 'x-vdisk-nonce': _drop, ...noNonce } = await signRequest(secret, call, now);
    await expect(verifyRequest(secret, parts(noNonce), new NonceCache(), now)).rejects.toMatchObject({
      code: 'E_AUTH_MISSING',
    });
    const good = await signRequest(secret, call, now);
    const shape = (over: Record<string, string>) => () => checkSignatureHeaders((n) => ({ ...good, ...over })[n], now);
    expect(shape({ 'x-vdisk-nonce': 'short' })).toThrow(expect.objectContaining({ code: 'E_AUTH_BAD_SIGNATURE' }));
    expect(shape({ 'x-vdisk-signature': 'zz'.repeat(32) })).toThrow(
      expect.objectContaining({ code: 'E_AUTH_BAD_SIGNATURE' }),
    );
    expect(shape({ 'x-vdisk-timestamp': '12e5' })).toThrow(expect.objectContaining({ code: 'E_AUTH_STALE' }));
    expect(shape({})()).toMatchObject({ agent: 'h1', timestamp: String(now) });
  });

  it('keeps a nonce for two windows and can restore one', () => {
    const c = new NonceCache(1000);
    c.restore('n'.repeat(16), now - 1500, now);
    expect(c.remember('n'.repeat(16), now)).toBe(false);
    c.restore('m'.repeat(16), now - 2500, now);
    expect(c.remember('m'.repeat(16), now)).toBe(true);
    expect(c.count(now + 1999)).toBe(1);
  });

  it('compares strings by content only', () => {
    expect(timingSafeEqualStr('abc', 'abc')).toBe(true);
    expect(timingSafeEqualStr('abc', 'abd')).toBe(false);
    expect(timingSafeEqualStr('abc', 'abcd')).toBe(false);
  });
});
