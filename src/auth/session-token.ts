// Console sessions: what the login link's exchange hands out instead of a standing bearer token.
// `vs1.EXPIRY.SCOPE.NONCE.MAC`, HMAC-SHA256 with a secret only the issuing process and its gateway
// hold, so the gateway checks it without state; past EXPIRY it answers 401 E_AUTH_SESSION_EXPIRED
// and the console asks to log in again. Web Crypto only (Node and workerd).
import { VdiskError } from '../errors/vdisk-error.js';
import { timingSafeEqualStr } from './hmac.js';

export type SessionScope = 'read' | 'write';

const enc = new TextEncoder();
const SHAPE = /^vs1\.(\d{1,16})\.(read|write)\.([A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{43})$/;

async function mac(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(`vdisk-session\n${body}`)));
  return btoa(String.fromCharCode(...sig))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function nonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(18))))
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

export async function mintSession(secret: string, scope: SessionScope, expiresAt: number): Promise<string> {
  const body = `vs1.${expiresAt}.${scope}.${nonce()}`;
  return `${body}.${await mac(secret, body)}`;
}

/** True when the presented bearer has the shape of a session token (others are plain tokens). */
export const looksLikeSession = (token: string): boolean => token.startsWith('vs1.');

/** The session's scope; throws E_AUTH_BAD_TOKEN (forged, malformed) or E_AUTH_SESSION_EXPIRED. */
export async function verifySession(secret: string, token: string, now: number): Promise<SessionScope> {
  const m = SHAPE.exec(token);
  if (!m) throw new VdiskError('E_AUTH_BAD_TOKEN', 'the session token is malformed');
  const body = token.slice(0, token.lastIndexOf('.'));
  if (!timingSafeEqualStr(await mac(secret, body), m[4]!))
    throw new VdiskError('E_AUTH_BAD_TOKEN', 'the token is not valid');
  if (Number(m[1]) <= now) throw new VdiskError('E_AUTH_SESSION_EXPIRED', 'the console session has expired');
  return m[2] as SessionScope;
}
