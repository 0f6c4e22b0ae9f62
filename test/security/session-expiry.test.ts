// Attack: a console token copied from a browser (history sync, a shared profile, a screenshot of
// devtools) worked forever: the login link's exchange handed out the gateway's standing write
// token. Now the exchange gives a session token that expires (12 h by default, --session-hours)
// and the gateway answers 401 E_AUTH_SESSION_EXPIRED after that (clock injected, no waiting).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeEngine } from '../../src/host/node-engine.js';
import { startSystem, type System } from '../../src/start/run.js';

let dir: string;
let sys: System | undefined;
afterEach(async () => {
  await sys?.stop();
  sys = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const HOUR = 3600_000;

async function session(s: System): Promise<string> {
  const link = new URL(s.loginUrl);
  const res = await fetch(new URL('console/login', s.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: link.hash.replace('#login=', '') }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

const inventory = (s: System, token: string) =>
  fetch(new URL('v1/inventory', s.url), { headers: { authorization: `Bearer ${token}` } });

describe('console sessions expire', () => {
  it('a session from the login link works until its hours are up, then 401 E_AUTH_SESSION_EXPIRED', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vsess-'));
    let now = Date.parse('2026-01-01T00:00:00Z');
    sys = await startSystem(await createNodeEngine(), { dir: join(dir, 'demo'), port: 0, vm: false, clock: () => now });
    const token = await session(sys);
    expect((await inventory(sys, token)).status).toBe(200);
    now += 12 * HOUR - 1000;
    expect((await inventory(sys, token)).status).toBe(200);
    now += 2000;
    const late = await inventory(sys, token);
    expect(late.status).toBe(401);
    expect(((await late.json()) as { code: string }).code).toBe('E_AUTH_SESSION_EXPIRED');
  });

  it('--session-hours sets the lifetime, and a forged session token is refused', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vsess-'));
    let now = Date.parse('2026-01-01T00:00:00Z');
    sys = await startSystem(await createNodeEngine(), {
      dir: join(dir, 'demo'),
      port: 0,
      vm: false,
      clock: () => now,
      sessionHours: 1,
    });
    const token = await session(sys);
    now += HOUR + 1;
    expect(((await (await inventory(sys, token)).json()) as { code: string }).code).toBe('E_AUTH_SESSION_EXPIRED');
    const forged = token.replace(/^vs1\.\d+/, `vs1.${now + 100 * HOUR}`);
    const res = await inventory(sys, forged);
    expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([401, 'E_AUTH_BAD_TOKEN']);
  });
});
