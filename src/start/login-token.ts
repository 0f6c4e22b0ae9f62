// The short-lived login link `vdisk start` prints: `EXPIRY.NONCE.HMAC` signed with a secret that
// lives only in the start process. Traded once (single use) for the gateway's bearer token, so a
// link copied from a terminal's scrollback later is worth nothing.
import { timingSafeEqualStr } from '../auth/hmac.js';
import { VdiskError } from '../errors/vdisk-error.js';

const enc = new TextEncoder();

async function sign(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return Buffer.from(await crypto.subtle.sign('HMAC', key, enc.encode(`vdisk-login\n${text}`))).toString('base64url');
}

export function randomToken(bytes = 24): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('base64url');
}

export async function makeLoginToken(secret: string, ttlMs: number, now = Date.now()): Promise<string> {
  const body = `${now + ttlMs}.${randomToken(12)}`;
  return `${body}.${await sign(secret, body)}`;
}

/** Checks signature, expiry and single use; throws E_AUTH_* otherwise. */
export class LoginTokens {
  private readonly used = new Set<string>();
  constructor(private readonly secret: string) {}

  async redeem(token: string, now = Date.now()): Promise<void> {
    const m = /^(\d{1,16})\.([A-Za-z0-9_-]{8,64})\.([A-Za-z0-9_-]{20,100})$/.exec(token);
    if (!m)
      throw new VdiskError('E_AUTH_BAD_TOKEN', 'the login token is malformed', {
        hint: 'copy the whole link `npm start` printed',
      });
    const body = `${m[1]}.${m[2]}`;
    if (!timingSafeEqualStr(await sign(this.secret, body), m[3]!))
      throw new VdiskError('E_AUTH_BAD_TOKEN', 'the login token is not valid for this `vdisk start`', {
        hint: 'use the link the running `npm start` printed',
      });
    if (Number(m[1]) < now)
      throw new VdiskError('E_AUTH_STALE', 'the login link has expired', {
        hint: 'restart `npm start` for a fresh link',
      });
    if (this.used.has(m[2]!))
      throw new VdiskError('E_AUTH_REPLAY', 'this login link was already used', {
        hint: 'restart `npm start` for a fresh link, or keep using the tab that logged in',
      });
    this.used.add(m[2]!);
  }
}
