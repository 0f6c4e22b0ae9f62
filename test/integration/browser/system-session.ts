// The shared life of a browser test against `vdisk start`: the whole system on 127.0.0.1 in a scratch
// directory (demo pools, agent, gateway, console, and the demo VM unless vm is false) and a headless
// Chromium, set up before the file's tests and torn down after them. Before Chromium starts, the
// gateway is asked for the inventory until every agent has answered: on a loaded machine the agent's
// first scan can miss the gateway's fan-out deadline, and a console connecting then would see an
// empty inventory (no volumes to pick) for reasons no test here is about.
import { afterAll, beforeAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, type Chromium } from './browser.js';
import { requireBuild } from './console-site.js';
import { requireTool } from '../../helpers/tools.js';
import { createNodeEngine } from '../../../src/host/node-engine.js';
import { startSystem, type System } from '../../../src/start/run.js';

export interface SystemSession {
  sys: System;
  b: Chromium;
}

/** Registers the hooks; `prepare` adds volumes to the pools before Chromium starts; `clock` is the system's now (session expiry). */
export function useSystemSession(
  name: string,
  opts: { vm: boolean; prepare?: (sys: System) => void; clock?: () => number },
): SystemSession {
  const s = {} as SystemSession;
  let dir: string | undefined;
  beforeAll(async () => {
    requireBuild();
    if (opts.vm) requireTool('qemu-system-x86_64');
    dir = mkdtempSync(join(tmpdir(), `vdisk-${name}-`));
    s.sys = await startSystem(await createNodeEngine(), {
      dir: join(dir, 'demo'),
      port: 0,
      ...(opts.vm ? {} : { vm: false }),
      ...(opts.clock && { clock: opts.clock }),
    });
    opts.prepare?.(s.sys);
    await warmInventory(s.sys);
    s.b = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await s.b?.close();
    await s.sys?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return s;
}

/** Logs in as the console would (a fresh login link) and asks for the inventory until every agent is up (every 0.5 s, at most 60 asks). */
async function warmInventory(sys: System): Promise<void> {
  const login = decodeURIComponent(/#login=([^&]+)/.exec(await sys.newLoginUrl())![1]!);
  const res = await fetch(new URL('console/login', sys.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: login }),
  });
  const { token } = (await res.json()) as { token: string };
  for (let i = 0; i < 60; i++) {
    if (i) await new Promise((r) => setTimeout(r, 500)); // polling a start-up, not measuring it
    const inv = await fetch(new URL('v1/inventory', sys.url), { headers: { authorization: `Bearer ${token}` } });
    const body = (await inv.json()) as { agents?: { up: boolean }[] };
    if (inv.ok && body.agents?.length && body.agents.every((a) => a.up)) return;
  }
  throw new Error("the agent never answered the gateway's inventory call within its deadline (60 asks, 30 s)");
}
