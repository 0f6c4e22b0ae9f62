// Where there is no demo VM (no qemu-system-x86_64, or --no-vm), the console says why the live
// operations are unavailable instead of offering them silently broken.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, type Chromium } from './browser.js';
import { requireBuild } from './console-site.js';
import { createNodeEngine } from '../../../src/engine/node-engine.js';
import { startSystem, type System } from '../../../src/start/run.js';
import { axeViolations } from './axe.js';

describe('console without a demo VM', () => {
  let sys: System;
  let b: Chromium;
  let dir: string;

  beforeAll(async () => {
    requireBuild();
    dir = mkdtempSync(join(tmpdir(), 'vdisk-novm-'));
    sys = await startSystem(await createNodeEngine(), { dir: join(dir, 'demo'), port: 0, vm: false });
    b = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await sys?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('explains why live operations are unavailable', async () => {
    const { page } = b;
    await page.goto(sys.loginUrl);
    await page.waitForSelector('#gw-status:has-text("Connected")', { timeout: 30_000 });
    await page.selectOption('#op-kind', 'block-copy');
    expect(await page.textContent('#op-note')).toContain('Unavailable here: the demo VM was turned off');
    await page.selectOption('#op-kind', 'snapshot');
    expect(await page.textContent('#op-note')).toContain('Unavailable here');
    await page.selectOption('#op-kind', 'move');
    expect(await page.textContent('#op-note')).toBe('');
    expect(await axeViolations(page)).toEqual([]);
  });
});
