// Against the system `vdisk start` runs (demo pool, agent, gateway, console, demo VM): log in with
// the printed link, move a demo volume to the other pool and watch progress reach the end over SSE,
// reload and find the job in history, open a remote volume through the range relay (and map a
// sparse 256 GiB one from a few Range requests), and run a live copy and pivot on the demo VM. Keys
// only for the move; axe on the connected views.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { useSystemSession } from './system-session.js';
import { tabTo } from './keys.js';
import { axeViolations } from './axe.js';
import { confirmWithKeys, waitForMap } from './page-helpers.js';
import { qemuImg, qemuIo } from '../../fixtures/qemu.js';
import { bytes } from '../../../web/format.js';

const GiB = 1 << 30;

/** A sparse 256 GiB qcow2 with 300 scattered 64 KiB writes (1 in 9 zeroed): ~230 L2 tables. */
function sparseVolume(path: string): void {
  qemuImg(['create', '-q', '-f', 'qcow2', path, String(256 * GiB)]);
  const cmds: string[] = [];
  let x = 17;
  for (let i = 0; i < 300; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    cmds.push(
      `write ${i % 9 === 0 ? '-z' : '-P 0x6b'} ${Math.floor((x / 2 ** 32) * (256 * 1024 - 1)) * (1 << 20)} 64k`,
    );
  }
  qemuIo(path, cmds);
}

/** Data, zero and unallocated bytes of a single-layer image, from qemu-img map. */
function qemuTotals(path: string): number[] {
  const runs = JSON.parse(qemuImg(['map', '--output=json', path])) as {
    length: number;
    depth: number;
    zero: boolean;
    data: boolean;
    present: boolean;
  }[];
  const sum = (f: (r: (typeof runs)[number]) => boolean) => runs.filter(f).reduce((n, r) => n + r.length, 0);
  const data = sum((r) => r.depth === 0 && r.data && !r.zero);
  const zero = sum((r) => r.depth === 0 && r.present && r.zero);
  return [data, zero, 256 * GiB - data - zero, 0];
}

describe('console against `vdisk start`', () => {
  const s = useSystemSession('sys', { vm: true, prepare: (sys) => sparseVolume(join(sys.dir, 'pool-a/sparse.qcow2')) });

  it('logs in with the printed link, and the link works only once', async () => {
    const { sys, b } = s;
    const { page } = b;
    await page.goto(sys.loginUrl);
    await page.waitForSelector('#gw-status:has-text("Connected")', { timeout: 30_000 });
    expect(page.url()).not.toContain('login=');
    expect(await page.textContent('#inventory')).toContain('pool-a:disk.qcow2');
    expect(await axeViolations(page)).toEqual([]);
    const again = await b.context.newPage();
    await again.goto(sys.loginUrl);
    await again.waitForSelector('#gateway-error:not([hidden])');
    expect(await again.textContent('#gateway-error')).toContain('E_AUTH_REPLAY');
    await again.close();
  });

  it('moves a demo volume to the other pool with keys only, progress reaching the end', async () => {
    const { sys, b } = s;
    const { page } = b;
    await tabTo(page, '#op-kind');
    await page.keyboard.press('Home'); // first operation: move
    await tabTo(page, '#op-volume');
    await page.keyboard.type('pool-a:disk');
    await tabTo(page, '#op-pool');
    await page.keyboard.type('pool-b');
    await tabTo(page, '#plan-preview');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#plan-words');
    expect(await page.textContent('#plan-text')).toMatch(/steps:/); // the raw plan, behind Details
    expect(await page.isVisible('#plan-text')).toBe(false);
    const effects = await page.locator('#plan-effects li').allTextContents();
    expect(effects).toContain('Creates pool-b:disk.qcow2 (64 MiB)');
    expect(effects.some((e) => /^Deletes pool-a:disk\.qcow2 \(/.test(e))).toBe(true);
    expect(effects.some((e) => /^Needs .* free in pool pool-b$/.test(e))).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await tabTo(page, '#plan-run');
    await page.keyboard.press('Enter');
    // Deleting the source: the dialog names it and its size, and wants its name typed.
    expect(await confirmWithKeys(page, 'pool-a:disk.qcow2')).toMatch(/Deletes pool-a:disk\.qcow2 \(\d/);
    await page.waitForSelector('#job-state:has-text("done")', { timeout: 120_000 });
    expect(await page.getAttribute('#job-progress', 'value')).toBe('100');
    expect(await axeViolations(page)).toEqual([]);
    expect(existsSync(join(sys.dir, 'pool-b/disk.qcow2'))).toBe(true);
    expect(existsSync(join(sys.dir, 'pool-a/disk.qcow2'))).toBe(false);
  });

  it('finds the job in history after a reload', async () => {
    const { page } = s.b;
    const jobId = (await page.textContent('#job-state'))!.match(/Job (\S+):/)![1]!;
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.click('nav a[href="#history"]');
    await page.waitForSelector(`#history-jobs tr:has-text("${jobId}")`);
    expect(await page.textContent('#history-jobs')).toContain('done');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('opens a remote volume through the gateway range relay', async () => {
    const { page } = s.b;
    await page.click('nav a[href="#gateway"]');
    await page.waitForSelector('#gw-status:has-text("Connected")', { timeout: 30_000 });
    // The moved volume keeps its id; it now lives in pool-b, flattened, and is named so.
    await page.click('button[aria-label="Inspect pool-b:disk.qcow2"]');
    await page.waitForSelector('#map-canvas[data-drawn-ms], #images-error:not([hidden])');
    expect(await page.textContent('#images-error')).toBe('');
    await waitForMap(page);
    expect(await page.textContent('#image-info')).toContain('67108864 bytes');
    expect(await page.textContent('#image-details h3')).toContain('pool-b/disk.qcow2');
  });

  it('maps a sparse remote qcow2 right, from a few Range requests', async () => {
    const { sys, b } = s;
    const { page } = b;
    const stats = () =>
      page.evaluate(() =>
        (
          window as unknown as { vdiskConsole: { bridge: { stats(): Promise<{ http: { requests: number } }> } } }
        ).vdiskConsole.bridge.stats(),
      );
    await page.click('nav a[href="#gateway"]');
    await page.waitForSelector('#gw-status:has-text("Connected")', { timeout: 30_000 });
    const before = (await stats()).http.requests;
    await page.click('button[aria-label="Inspect pool-a:sparse.qcow2"]');
    await page.waitForSelector('#image-details h3:has-text("sparse.qcow2")');
    await waitForMap(page);
    expect(await page.textContent('#images-error')).toBe('');
    expect(await page.textContent('#image-info')).toContain(`${256 * GiB} bytes`);
    const cells = await page.locator('table.map-totals tbody tr').first().locator('td').allTextContents();
    expect(cells).toEqual(qemuTotals(join(sys.dir, 'pool-a/sparse.qcow2')).map(bytes));
    // Probe, head, L1 and ~34 MiB of tables and data in spans of ≤ 8 MiB: one request per table before.
    expect((await stats()).http.requests - before).toBeLessThanOrEqual(12);
  });

  it('copies the demo VM disk live and pivots to the copy', async () => {
    const { sys, b } = s;
    const { page } = b;
    await page.click('nav a[href="#gateway"]');
    await page.waitForSelector('#gw-status:has-text("Connected")');
    await page.selectOption('#op-kind', 'block-copy');
    await page.selectOption('#op-pool', 'pool-b');
    await page.fill('#op-name', 'vm-root-copy.qcow2');
    await page.click('#plan-preview');
    await page.waitForSelector('#plan-words');
    await page.click('#plan-run');
    expect(await confirmWithKeys(page)).toMatch(/disk switches to the copy/);
    await page.waitForSelector('#job-state:has-text("done")', { timeout: 120_000 });
    expect(existsSync(join(sys.dir, 'pool-b/vm-root-copy.qcow2'))).toBe(true);
    // Pivoted: the inventory, refreshed when the job ended, shows the VM's disk on the copy.
    const copyRow = page.locator('#volumes-table tr:has-text("vm-root-copy.qcow2")');
    await copyRow.waitFor({ timeout: 30_000 });
    expect(await copyRow.locator('td').first().textContent()).toBe('pool-b:vm-root-copy.qcow2'); // named pool:file, not by its id
    expect(await page.textContent('#vms-table')).toContain('vda: pool-b:vm-root-copy.qcow2');
    expect(b.problems.filter((p) => !p.includes('Failed to load resource'))).toEqual([]);
  });
});
