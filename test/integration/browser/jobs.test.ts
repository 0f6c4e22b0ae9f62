// The Jobs view against `vdisk start`: jobs started elsewhere (`vdisk job submit`, the CLI, with the
// console's own session token) appear with their state and progress; a reload while the agent says
// the job is running reattaches to the job's event stream (Last-Event-ID kept in the tab) and the row
// reaches `done` without a manual refresh; an orphan made for real (a second hard link outside the
// roots, so the agent will not delete the old file) is retried from the view after a confirmation
// naming the file; an expired session asks to log in again over the open view. Ordering by visible
// state only, no timing.
import { describe, expect, it } from 'vitest';
import { existsSync, linkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { qemuImg } from '../../fixtures/qemu.js';
import { slowVolume } from './slow-volume.js';
import { useSystemSession } from './system-session.js';
import { tabTo } from './keys.js';
import { axeViolations } from './axe.js';
import { confirmWithKeys } from './page-helpers.js';
import { jobNow, submitJob as submit } from './gateway-calls.js';

const row = (id: string) => `#jobs-table tr[data-key="${id}"]`;

describe('console: the Jobs view (`vdisk start`)', () => {
  let skew = 0; // the system's clock runs `skew` ms ahead once the session-expiry test moves it
  const s = useSystemSession('jobs', {
    vm: false,
    clock: () => Date.now() + skew,
    prepare: (sys) => {
      // A move that lasts: 16 GiB, every cluster allocated, almost nothing on disk. The engine reads all
      // of it, then the full verify reads it again: tens of seconds on a quiet machine (8 GiB took 40 s to
      // copy at load 13), against the second or two between its first progress and the reload.
      slowVolume(join(sys.dir, 'pool-a/big.qcow2'), '16G');
      qemuImg(['create', '-q', '-f', 'qcow2', join(sys.dir, 'pool-a/orphan.qcow2'), '4M']);
    },
  });
  let scratch: string;

  it('shows a move submitted with `vdisk job submit`; after a reload mid-job it follows the job to the end', async () => {
    const { sys, b } = s;
    const { page } = b;
    scratch = join(sys.dir, '..');
    await page.goto(sys.loginUrl);
    await page.waitForSelector('#gw-status:has-text("Connected")', { timeout: 30_000 });
    const id = await submit(page, sys.url, scratch, {
      kind: 'move',
      volume: 'pool-a:big.qcow2',
      toPool: 'pool-b',
      method: 'copy',
    });
    await page.click('nav a[href="#jobs"]');
    await page.waitForSelector(row(id));
    expect(await page.textContent(row(id))).toContain('move pool-a:big.qcow2 to pool-b');
    // Started by the console's session (the caller name the gateway gives it).
    expect(await page.locator(`${row(id)} td[data-label="Started by"]`).textContent()).not.toBe('—');
    // Live: progress arrives over SSE, and the tab keeps the last event id.
    await page.waitForFunction(
      (sel) => Number(document.querySelector<HTMLProgressElement>(`${sel} progress`)?.value ?? 0) > 0,
      row(id),
      { timeout: 120_000 },
    );
    expect(await page.evaluate((j) => sessionStorage.getItem(`job-event:${j}`), id)).toMatch(/^\d+$/);
    expect(await axeViolations(page)).toEqual([]);
    // Mid-job for certain: the agent says the job is running right before the reload.
    const before = await jobNow(page, id);
    expect(before.state).toBe('running');
    expect(before.progress).toBeLessThan(1);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForSelector(row(id));
    // No refresh pressed: the row reaches the end through the reattached stream.
    await page.waitForSelector(`${row(id)} [data-state="done"]`, { timeout: 600_000 });
    expect(await page.getAttribute(`${row(id)} progress`, 'value')).toBe('100');
    expect(existsSync(join(sys.dir, 'pool-b/big.qcow2'))).toBe(true);
    expect(await page.evaluate((j) => sessionStorage.getItem(`job-event:${j}`), id)).toBeNull();
  }, 780_000);

  it('retries an orphan from the view after a confirmation naming the file', async () => {
    const { sys, b } = s;
    const { page } = b;
    // A second link outside the storage roots: the agent refuses to delete a file with two links.
    linkSync(join(sys.dir, 'pool-a/orphan.qcow2'), join(scratch, 'orphan-link.qcow2'));
    const id = await submit(page, sys.url, scratch, {
      kind: 'move',
      volume: 'pool-a:orphan.qcow2',
      toPool: 'pool-b',
      method: 'copy',
    });
    await page.click('#jobs-refresh');
    await page.waitForSelector(`${row(id)} [data-state="done"]`, { timeout: 120_000 });
    await page.click('#jobs-refresh');
    await page.waitForSelector(`${row(id)} button:has-text("Retry cleanup")`);
    expect(await page.textContent(row(id))).toContain('left: pool-a:orphan.qcow2');
    expect(existsSync(join(sys.dir, 'pool-a/orphan.qcow2'))).toBe(true);
    rmSync(join(scratch, 'orphan-link.qcow2'));
    await tabTo(page, `${row(id)} button[aria-label="Retry cleanup of job ${id}"]`, 120);
    await page.keyboard.press('Enter');
    expect(await axeViolations(page)).toEqual([]); // with the dialog open
    expect(await confirmWithKeys(page)).toContain('delete pool-a:orphan.qcow2');
    // The retry job appears and is followed to its end; the old file is gone.
    await page.waitForSelector('#status:has-text("Retry job")');
    const retryId = (await page.textContent('#status'))!.match(/Retry job (\S+) started/)![1]!;
    await page.waitForSelector(`${row(retryId)} [data-state="done"]`, { timeout: 120_000 });
    expect(existsSync(join(sys.dir, 'pool-a/orphan.qcow2'))).toBe(false);
    expect(existsSync(join(sys.dir, 'pool-b/orphan.qcow2'))).toBe(true);
  }, 300_000);

  it('an expired session asks to log in again over the open view, and the view stays', async () => {
    const { sys, b } = s;
    const { page } = b;
    await page.goto(`${sys.url}#pool/pool-b`);
    await page.waitForSelector('#pool-volumes li:has-text("pool-b:big.qcow2")');
    skew = 13 * 3600_000; // past the 12 h session
    await page.click('nav a[href="#jobs"]'); // the view lists jobs on arrival: the gateway answers 401
    await page.waitForSelector('#relogin-dialog[open]');
    expect(await page.textContent('#relogin-dialog')).toContain('E_AUTH_SESSION_EXPIRED');
    expect(await axeViolations(page)).toEqual([]);
    // Focus is in the field: paste a fresh login link and press Enter.
    await page.keyboard.type(await sys.newLoginUrl());
    await page.keyboard.press('Enter');
    await page.waitForSelector('#relogin-dialog', { state: 'detached' });
    expect(page.url()).toMatch(/#jobs$/);
    await page.click('#jobs-refresh');
    await page.waitForSelector('#jobs-table [data-state="done"]');
    expect(await page.textContent('#jobs-error')).toBe('');
  });
});
