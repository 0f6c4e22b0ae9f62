// Open a qcow2 chain made by qemu-img in the console `vdisk start` serves, see its info, chain and map
// picture; flatten it into OPFS and compare the bytes with `qemu-img convert -O raw`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Chromium } from './browser.js';
import { makeChain, type ChainFixture } from './fixtures.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBuild } from './console-site.js';
import { createNodeEngine } from '../../../src/host/node-engine.js';
import { startSystem, type System } from '../../../src/start/run.js';
import { loadConsole, openFiles, opfsNames, opfsSha256, mapPixel } from './page-helpers.js';

describe('console: inspect and flatten a local image', () => {
  let fx: ChainFixture;
  let site: System;
  let b: Chromium;
  let dir: string;

  beforeAll(async () => {
    requireBuild();
    fx = makeChain();
    dir = mkdtempSync(join(tmpdir(), 'vdisk-inspect-'));
    site = await startSystem(await createNodeEngine(), { dir: join(dir, 'demo'), port: 0, vm: false });
    b = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await site?.stop();
    fx?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows info, the backing chain and a map picture', async () => {
    const { page } = b;
    await loadConsole(page, site.url);
    await openFiles(page, [fx.top, fx.base]);
    const info = await page.textContent('#image-info');
    expect(info).toContain(`${fx.virtualSize} bytes`);
    expect(info).toContain('qcow2');
    expect(info).toContain('64 KiB');
    const chain = await page.$$eval('#image-chain li', (lis) => lis.map((l) => l.textContent));
    expect(chain).toHaveLength(2);
    expect(chain[0]).toContain('disk.qcow2');
    expect(chain[0]).toContain('backed by base.raw (raw)');
    expect(chain[1]).toContain('base.raw');
    // Top layer: the data written at 1 MiB (column 16 of 1024 over 64 MiB) is drawn as data (blue).
    const px = await mapPixel(page, 24, 0);
    expect(px.slice(0, 3)).toEqual([0x1d, 0x4e, 0xd8]);
    const label = await page.getAttribute('#map-canvas', 'aria-label');
    expect(label).toMatch(/disk\.qcow2: .*data.*compressed/);
    const totals = await page.textContent('.map-totals');
    expect(totals).toContain('64 KiB'); // the one compressed cluster
    expect(b.problems).toEqual([]);
  });

  it('flattens into OPFS with the bytes qemu-img convert writes', async () => {
    const { page } = b;
    await page.fill('#convert-path', 'out/flat.raw');
    await page.click('#convert-start');
    await page.waitForSelector('#convert-result:has-text("Done")', { timeout: 60_000 });
    expect(await page.getAttribute('#convert-progress', 'value')).toBe('100');
    expect(await opfsSha256(page, 'out/flat.raw')).toBe(fx.flatSha256);
    expect((await opfsNames(page)).filter((n) => n.includes('.partial'))).toEqual([]);
    await page.waitForSelector('#opfs-list li:has-text("out/flat.raw")');
    expect(b.problems).toEqual([]);
  });
});
