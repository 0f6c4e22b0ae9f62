// Every view with data loaded, against `vdisk start` with its demo VM: images, gateway (inventory and
// a plan preview), jobs (after a move), history, and the pool, VM and volume detail views opened by
// deep link; at 1280×800 and 390×844, in the light and the dark theme: axe-core finds nothing, and no
// visible focusable or text element is covered by another (coveredElements). Also with a
// confirmation dialog open; no table header is cut short (truncatedHeaders). Sort and filter of the
// inventory and jobs tables by the keyboard.
import { describe, expect, it } from 'vitest';
import { useSystemSession } from './system-session.js';
import { axeViolations } from './axe.js';
import { coveredElements, truncatedHeaders } from './layout.js';
import { confirmWithKeys } from './page-helpers.js';
import { tabTo } from './keys.js';

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];
const HASHES = [
  '#images',
  '#gateway',
  '#jobs',
  '#history',
  '#pool/pool-a',
  '#vm/demo-vm',
  '#volume/pool-a%3Adisk.qcow2',
];

describe('console views: axe and layout at both viewports, light and dark', () => {
  const s = useSystemSession('views', { vm: true });

  it('deep links open their view, with data', async () => {
    const { sys, b } = s;
    const { page } = b;
    await page.goto(sys.loginUrl);
    await page.waitForSelector('#gw-status:has-text("Connected")', { timeout: 30_000 });
    // A move, so the jobs view and the volume's history have a job.
    await page.selectOption('#op-kind', 'move');
    await page.selectOption('#op-volume', 'pool-a:disk.qcow2');
    await page.selectOption('#op-pool', 'pool-b');
    await page.click('#plan-preview');
    await page.click('#plan-run');
    await confirmWithKeys(page, 'pool-a:disk.qcow2');
    await page.waitForSelector('#job-state:has-text("done")', { timeout: 120_000 });
    await page.goto(`${sys.url}#vm/demo-vm`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForSelector('#vm-detail .chain-layers li');
    expect(await page.textContent('#h-details')).toBe('VM demo-vm');
    expect(await page.textContent('#vm-detail')).toMatch(/Disk \w+: pool-a:/);
    await page.waitForSelector('#vm-job-list, #vm-jobs p:not([role])');
    await page.goto(`${sys.url}#volume/pool-a%3Adisk.qcow2`);
    await page.waitForSelector('#volume-map-canvas[data-drawn]');
    expect(await page.textContent('#h-details')).toBe('Volume pool-b:disk.qcow2');
    expect(await page.textContent('#volume-map-totals')).toMatch(/data: \d/);
    await page.waitForSelector('#volume-job-list li:has-text("done")');
    await page.goto(`${sys.url}#pool/pool-b`);
    await page.waitForSelector('#pool-volumes li:has-text("pool-b:disk.qcow2")');
  });

  it('sorts and filters tables with the keyboard', async () => {
    const { b } = s;
    const { page } = b;
    await page.click('nav a[href="#gateway"]');
    await page.waitForSelector('#volumes-table tbody tr');
    const names = () => page.locator('#volumes-table tbody td[data-label="Volume"]').allTextContents();
    const onDisk = '#volumes-table th:nth-child(4)'; // On disk
    expect(await page.textContent(onDisk)).toContain('On disk');
    await tabTo(page, `${onDisk} button`, 150);
    await page.keyboard.press('Enter');
    expect(await page.getAttribute(onDisk, 'aria-sort')).toBe('ascending');
    await page.keyboard.press('Enter');
    expect(await page.getAttribute(onDisk, 'aria-sort')).toBe('descending');
    const sizes = await page.locator('#volumes-table tbody td[data-label="On disk"]').allTextContents();
    expect(sizes.length).toBeGreaterThan(1);
    const UNIT: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };
    const n = sizes.map((t) => {
      const [v, u] = t.split(' ');
      return Number(v) * UNIT[u!]!;
    });
    expect(n).toEqual([...n].sort((x, y) => y - x));
    await tabTo(page, '#volumes-table th:nth-child(1) button', 40, true);
    await page.keyboard.press('Enter');
    const asc = await names();
    expect(asc).toEqual([...asc].sort());
    await page.click('nav a[href="#jobs"]');
    await page.waitForSelector('#jobs-table tbody tr [data-state]');
    await page.selectOption('#jobs-state', 'failed');
    await page.waitForSelector('#jobs-table tbody td:has-text("No jobs match.")');
    await page.selectOption('#jobs-state', 'done');
    expect(await page.locator('#jobs-table tbody [data-state]').count()).toBeGreaterThan(0);
    expect(
      new Set(
        await page
          .locator('#jobs-table tbody [data-state]')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-state'))),
      ),
    ).toEqual(new Set(['done']));
    await page.selectOption('#jobs-state', '');
  });

  for (const scheme of ['light', 'dark'] as const) {
    for (const vp of VIEWPORTS) {
      it(`every view at ${vp.width}×${vp.height}, ${scheme}: axe clean, nothing covered`, async () => {
        const { sys, b } = s;
        const { page } = b;
        await page.setViewportSize(vp);
        await page.emulateMedia({ colorScheme: scheme });
        for (const hash of HASHES) {
          await page.goto(`${sys.url}${hash}`);
          await page.waitForSelector('body[data-ready="true"]');
          if (hash !== '#images' && hash !== '#history')
            await page.waitForSelector('#gw-status:has-text("Connected")', { state: 'attached' });
          if (hash === '#jobs') await page.waitForSelector('#jobs-table [data-state]');
          if (hash.startsWith('#volume')) await page.waitForSelector('#volume-map-canvas[data-drawn]');
          if (hash.startsWith('#vm')) await page.waitForSelector('#vm-job-list, #vm-jobs p:not([role])');
          expect(await page.evaluate(() => document.documentElement.classList.contains('pf-v6-theme-dark'))).toBe(
            scheme === 'dark',
          );
          expect({ hash, violations: await axeViolations(page) }).toEqual({ hash, violations: [] });
          expect({ hash, covered: await coveredElements(page) }).toEqual({ hash, covered: [] });
          expect({ hash, truncated: await truncatedHeaders(page) }).toEqual({ hash, truncated: [] });
        }
        // With a confirmation open: the history's clear, cancelled with Escape (nothing is cleared).
        await page.goto(`${sys.url}#history`);
        await page.waitForSelector('body[data-ready="true"]');
        await page.click('#history-clear');
        await page.waitForSelector('#confirm-dialog[open]');
        expect(await axeViolations(page)).toEqual([]);
        await page.keyboard.press('Escape');
        await page.waitForSelector('#confirm-dialog', { state: 'detached' });
        expect(await page.locator('#history-jobs tr').count()).toBeGreaterThan(0);
        expect(await page.textContent('#history-jobs')).not.toContain('No jobs yet.');
      });
    }
  }
});
