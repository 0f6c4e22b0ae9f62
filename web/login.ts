// `vdisk start` prints a link with a short-lived signed login token in the fragment (fragments never
// reach servers or their logs). The console trades it once at /console/login for the gateway's
// bearer token and removes it from the address bar and history.
import type { ConsoleConfig } from './app.js';
import { VdiskError } from '../src/errors/vdisk-error.js';
import { consoleError } from '../worker/codes.js';

export async function loginFromHash(config: ConsoleConfig): Promise<{ gateway: string; token: string } | undefined> {
  const m = /(?:^#|&)login=([^&]+)/.exec(location.hash);
  if (!m) return undefined;
  history.replaceState(null, '', `${location.pathname}${location.search}#gateway`);
  const res = await fetch('console/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: decodeURIComponent(m[1]!) }) });
  if (!res.ok) {
    const p = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
    throw p.code ? new VdiskError(p.code, p.detail) : consoleError('E_GATEWAY_LOGIN');
  }
  const { token } = (await res.json()) as { token: string };
  return { gateway: config.gateway ?? location.origin, token };
}
