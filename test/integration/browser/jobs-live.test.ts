// Running jobs in the console against `vdisk start` with its demo VM. The job has to last: a 256 GiB
// qcow2 with preallocated metadata (every cluster allocated, ~40 MiB on disk) put into pool-a, whose
// move reads 256 GiB through the engine — minutes — so it is still running whenever the test acts on
// it, until the test cancels it. Ordering by visible state and the agent's word only, no timing.
// - Cancel from the Jobs view, keys only: the row, the agent (GET /v1/jobs/:id) and both pool
//   directories agree the job was cancelled and nothing is left behind.
// - A detail view keeps focus across an inventory refresh (a followed job ending refreshes the
//   inventory and every view re-renders): on #vm/demo-vm the heading, and then a link the keyboard
//   user moved to, still have focus afterwards (new elements, same place).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { listTree, slowVolume } from './slow-volume.js';
import { useSystemSession } from './system-session.js';
import { tabTo } from './keys.js';
import { axeViolations } from './axe.js';
import { gatewayJson, jobNow, submitJob } from './gateway-calls.js';

const row = (id: string) => `#jobs-table tr[data-key="${id}"]`;

/** Starts the long move and waits until the Jobs view follows it with progress shown (the copy under way). */
async function runningMove(page: Page, url: string, scratch: string): Promise<string> {
  const id = await submitJob(page, url, scratch, {
    kind: 'move',
    volume: 'pool-a:slow.qcow2',
    toPool: 'pool-b',
    method: 'copy',
  });
  await page.evaluate(() => {
    location.hash = '#jobs';
  });
  await page.click('#jobs-refresh'); // lists it (the view may be open already: no hash change then)
  await page.waitForFunction(
    (sel) => {
      const p = document.querySelector<HTMLProgressElement>(`${sel} progress`);
      return document.querySelector(`${sel} [data-state="running"]`) && Number(p?.value ?? 0) > 0;
    },
    row(id),
    { timeout: 120_000 },
  );
  return id;
}

/** What has focus: its id or tag, link target and text, and whether it is the node marked before a re-render. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as (HTMLElement & { __beforeRender?: boolean }) | null;
    return {
      id: el?.id ?? '',
      tag: el?.tagName ?? '',
      href: el?.getAttribute('href') ?? '',
      text: (el?.textContent ?? '').trim(),
      inDetail: !!el?.closest('#view-details'),
      sameNode: !!el?.__beforeRender,
    };
  });

/** Marks the focused node, cancels job `id` through the gateway and waits for the details view to re-render. */
async function refreshByJobEnd(page: Page, id: string): Promise<void> {
  const renders = Number(await page.getAttribute('#view-details', 'data-renders'));
  await page.evaluate(() => {
    (document.activeElement as HTMLElement & { __beforeRender?: boolean }).__beforeRender = true;
  });
  expect((await gatewayJson(page, `/v1/jobs/${encodeURIComponent(id)}/cancel`, 'POST')).http).toBe(202);
  await page.waitForFunction((n) => Number(document.getElementById('view-details')?.dataset.renders) > n, renders, {
    timeout: 120_000,
  });
  expect((await jobNow(page, id)).state).toBe('cancelled');
}

describe('console: running jobs (`vdisk start` with the demo VM)', () => {
  const s = useSystemSession('jobslive', {
    vm: true,
    prepare: (sys) => slowVolume(join(sys.dir, 'pool-a/slow.qcow2'), '256G'),
  });

  it('cancels a running move from the Jobs view with the keyboard: cancelled, nothing left behind', async () => {
    const { sys, b } = s;
    const { page } = b;
    const before = { a: listTree(join(sys.dir, 'pool-a')), b: listTree(join(sys.dir, 'pool-b')) };
    expect(before.b).toEqual([]);
    await page.goto(sys.loginUrl);
    await page.waitForSelector('#gw-status:has-text("Connected")', { timeout: 30_000 });
    const id = await runningMove(page, sys.url, join(sys.dir, '..'));
    expect((await jobNow(page, id)).state).toBe('running');
    // Keys only; live progress redraws the row meanwhile, and the focused button stays focused.
    await page.focus('#h-jobs-view');
    await tabTo(page, `${row(id)} button[aria-label="Cancel job ${id}"]`, 120);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${row(id)} [data-state="cancelled"]`, { timeout: 120_000 });
    expect(await page.locator(`${row(id)} button[aria-label="Cancel job ${id}"]`).count()).toBe(0);
    expect(await page.textContent('#status')).toBe(`Cancelling job ${id}`);
    expect(await page.textContent('#jobs-error')).toBe('');
    expect(await axeViolations(page)).toEqual([]);

    const job = await jobNow(page, id);
    expect(job.state).toBe('cancelled');
    expect(job.report?.outcome).toBe('rolled-back');
    expect(job.report?.failure?.code).toMatch(/^E_(AGENT_)?CANCELLED$/);
    expect(job.report?.failure?.action).toBe('copy-data'); // stopped in the copy
    // Rolled back: no target or temporary file in pool-b, pool-a as it was.
    expect(listTree(join(sys.dir, 'pool-b'))).toEqual([]);
    expect(listTree(join(sys.dir, 'pool-a'))).toEqual(before.a);
  }, 300_000);

  it('the VM view keeps focus on its heading, then on a link, across inventory refreshes', async () => {
    const { sys, b } = s;
    const { page } = b;
    const scratch = join(sys.dir, '..');

    // The heading, focused on arrival.
    const first = await runningMove(page, sys.url, scratch);
    await page.evaluate(() => {
      location.hash = '#vm/demo-vm';
    });
    await page.waitForSelector('#vm-detail .chain-layers a');
    expect((await focused(page)).id).toBe('h-details');
    await refreshByJobEnd(page, first);
    expect(await focused(page)).toMatchObject({ id: 'h-details', inDetail: true, sameNode: false });

    // A link the keyboard user tabbed to.
    const second = await runningMove(page, sys.url, scratch);
    await page.evaluate(() => {
      location.hash = '#vm/demo-vm';
    });
    await page.waitForSelector('#vm-detail .chain-layers a');
    await tabTo(page, '#vm-detail .chain-layers a', 40);
    const at = await focused(page);
    expect(at.href).toMatch(/^#volume\//);
    await refreshByJobEnd(page, second);
    expect(await focused(page)).toEqual({ ...at, sameNode: false });
    expect(b.problems.filter((p) => !p.includes('Failed to load resource'))).toEqual([]);
  }, 400_000);
});
