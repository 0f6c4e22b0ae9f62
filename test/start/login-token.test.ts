// The login link's token: valid once, refused when expired, forged or replayed, each with its code.
import { describe, expect, it } from 'vitest';
import { LoginTokens, makeLoginToken } from '../../src/start/login-token.js';

describe('login tokens', () => {
  it('redeems a fresh token once', async () => {
    const tokens = new LoginTokens('s'.repeat(32));
    const t = await makeLoginToken('s'.repeat(32), 60_000);
    await tokens.redeem(t);
    await expect(tokens.redeem(t)).rejects.toMatchObject({ code: 'E_AUTH_REPLAY' });
  });
  it('refuses an expired, a forged and a malformed token', async () => {
    const tokens = new LoginTokens('s'.repeat(32));
    const old = await makeLoginToken('s'.repeat(32), 1000, Date.now() - 5000);
    await expect(tokens.redeem(old)).rejects.toMatchObject({ code: 'E_AUTH_STALE' });
    const other = await makeLoginToken('o'.repeat(32), 60_000);
    await expect(tokens.redeem(other)).rejects.toMatchObject({ code: 'E_AUTH_BAD_TOKEN' });
    await expect(tokens.redeem('nope')).rejects.toMatchObject({ code: 'E_AUTH_BAD_TOKEN' });
  });
});
