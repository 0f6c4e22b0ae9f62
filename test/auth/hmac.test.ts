import { describe, expect, it } from 'vitest';
import { NonceCache, signRequest, verifyRequest, timingSafeEqualStr } from '../../src/auth/hmac.js';

const secret = 'correct horse battery staple';
const now = 1_700_000_000_000;

async function parts(headers: Record<string, string>, over: Partial<{ method: string; path: string; body: string }> = {}) {
  return {
    method: over.method ?? 'POST', pathAndQuery: over.path ?? '/v1/jobs?x=1', body: over.body ?? '{"a":1}',
    header: (n: string) => headers[n.toLowerCase()],
  };
}

describe('request signatures', () => {
  it('accepts a fresh signature once and refuses its replay', async () => {
    const h = await signRequest(secret, 'POST', '/v1/jobs?x=1', '{"a":1}', now);
    const nonces = new NonceCache();
    await expect(verifyRequest(secret, await parts(h), nonces, now + 10)).resolves.toBeUndefined();
    await expect(verifyRequest(secret, await parts(h), nonces, now + 20)).rejects.toMatchObject({ code: 'E_AUTH_REPLAY' });
  });

  it.each([
    ['method', { method: 'PUT' }], ['path', { path: '/v1/jobs?x=2' }], ['body', { body: '{"a":2}' }],
  ] as const)('refuses a request whose %s was changed', async (_n, over) => {
    const h = await signRequest(secret, 'POST', '/v1/jobs?x=1', '{"a":1}', now);
    await expect(verifyRequest(secret, await parts(h, over), new NonceCache(), now)).rejects.toMatchObject({ code: 'E_AUTH_BAD_SIGNATURE' });
  });

  it('refuses a wrong secret, a stale timestamp and a missing header', async () => {
    const h = await signRequest('other', 'POST', '/v1/jobs?x=1', '{"a":1}', now);
    await expect(verifyRequest(secret, await parts(h), new NonceCache(), now)).rejects.toMatchObject({ code: 'E_AUTH_BAD_SIGNATURE' });
    const old = await signRequest(secret, 'POST', '/v1/jobs?x=1', '{"a":1}', now - 61_000);
    await expect(verifyRequest(secret, await parts(old), new NonceCache(), now)).rejects.toMatchObject({ code: 'E_AUTH_STALE' });
    const { ['x-vdisk-nonce']: _drop, ...noNonce } = await signRequest(secret, 'POST', '/v1/jobs?x=1', '{"a":1}', now);
    await expect(verifyRequest(secret, await parts(noNonce), new NonceCache(), now)).rejects.toMatchObject({ code: 'E_AUTH_MISSING' });
  });

  it('compares strings by content only', () => {
    expect(timingSafeEqualStr('abc', 'abc')).toBe(true);
    expect(timingSafeEqualStr('abc', 'abd')).toBe(false);
    expect(timingSafeEqualStr('abc', 'abcd')).toBe(false);
  });
});
