// `vdisk start` prints a link with a short-lived signed login token in the fragment (fragments never
// reach servers or their logs). The console trades it once at /console/login for the gateway's
// bearer token and removes it from the address bar and history.
import type { ConsoleConfig } from './app.js';
import { VdiskError } from '../src/errors/vdisk-error.js';

const LOGIN = /(?:^#|&|#)login=([^&]+)/;

/** The login token inside a pasted link (or the bare token). */
export function loginTokenOf(text: string): string | undefined {
  const m = LOGIN.exec(text.trim());
  return m ? decodeURIComponent(m[1]!) : undefined;
}

/** Trades a login token for a session token. */
export async function redeemLogin(token: string): Promise<string> {
  const res = await fetch(new URL('console/login', location.href), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (!res.ok) {
    const p = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
    throw p.code ? new VdiskError(p.code, p.detail) : new VdiskError('E_GATEWAY_LOGIN');
  }
  return ((await res.json()) as { token: string }).token;
}

export async function loginFromHash(config: ConsoleConfig): Promise<{ gateway: string; token: string } | undefined> {
  const token = loginTokenOf(location.hash);
  if (!token) return undefined;
  history.replaceState(null, '', `${location.pathname}${location.search}#gateway`);
  return { gateway: config.gateway ?? location.origin, token: await redeemLogin(token) };
}
