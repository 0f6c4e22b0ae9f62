// The shared life of a browser test against `vdisk start`: the whole system on 127.0.0.1 in a scratch
// directory (demo pools, agent, gateway, console, and the demo VM unless vm is false) and a headless
// Chromium, set up before the file's tests and torn down after them.
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
    s.b = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await s.b?.close();
    await s.sys?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return s;
}
