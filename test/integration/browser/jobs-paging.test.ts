// "Load more" in the Jobs view against `vdisk start`: twelve clones submitted with `vdisk job submit`,
// the page size set to 10 jobs per agent in the view's toolbar; the first page holds the ten newest,
// Load more brings the other two, and then every job the gateway lists is in the table exactly once,
// in the gateway's order (newest first), and Load more is gone.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { qemuImg } from '../../fixtures/qemu.js';
import { useSystemSession } from './system-session.js';
import { gatewayJson, submitJob } from './gateway-calls.js';

const N = 12;
const names = Array.from({ length: N }, (_, i) => `small-${String(i + 1).padStart(2, '0')}.qcow2`);
const tableIds = (page: Page) =>
  page.locator('#jobs-table tbody tr[data-key]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));

describe('console: Load more in the Jobs view (`vdisk start`)', () => {
  const s = useSystemSession('jobspage', {
    vm: false,
    prepare: (sys) => {
      for (const n of names) qemuImg(['create', '-q', '-f', 'qcow2', join(sys.dir, 'pool-a', n), '1M']);
    },
  });

  it('pages 12 jobs 10 at a time: every job once, in order, after Load more', async () => {
    const { sys, b } = s;
    const { page } = b;
    await page.goto(sys.loginUrl);
    await page.waitForSelector('#gw-status:has-text("Connected")', { timeout: 30_000 });
    const scratch = join(sys.dir, '..');
    const submitted: string[] = [];
    for (const n of names)
      submitted.push(
        await submitJob(page, sys.url, scratch, {
          kind: 'clone',
          volume: `pool-a:${n}`,
          toPool: 'pool-b',
          name: `copy-${n}`,
        }),
      );
    // The gateway's own listing in one page: the order the view must show.
    const all = await gatewayJson<{ jobs: { id: string }[]; next: string | null }>(page, '/v1/jobs?limit=100');
    expect(all.http).toBe(200);
    expect(all.body.next).toBeNull();
    const order = all.body.jobs.map((j) => j.id);
    expect([...order].sort()).toEqual([...submitted].sort());

    await page.click('nav a[href="#jobs"]');
    await page.waitForSelector(`#view-jobs[data-jobs="${N}"]`); // the default page (50) holds them all
    expect(await page.isHidden('#jobs-more')).toBe(true);
    await page.selectOption('#jobs-per-page', '10');
    await page.waitForSelector('#view-jobs[data-jobs="10"]');
    expect(await tableIds(page)).toEqual(order.slice(0, 10));
    expect(await page.isVisible('#jobs-more')).toBe(true);

    await page.click('#jobs-more');
    await page.waitForSelector(`#view-jobs[data-jobs="${N}"]`);
    const ids = await tableIds(page);
    expect(new Set(ids).size).toBe(ids.length); // none twice
    expect(ids).toEqual(order); // all, newest first
    expect(await page.isHidden('#jobs-more')).toBe(true);
    expect(await page.textContent('#jobs-note')).toBe(`${N} job(s) from 1 agent(s).`);
    expect(await page.textContent('#jobs-error')).toBe('');
    expect(b.problems).toEqual([]);
  }, 240_000);
});
