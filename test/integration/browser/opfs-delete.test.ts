// The OPFS-delete confirmation in the Images view: two flattens of a qemu-img chain kept in private
// storage; Delete on one opens a dialog naming that file and its size; Cancel keeps it (bytes
// unchanged); Delete again and Confirm removes it, and only it. Keys only in the dialog.
import { describe, expect, it } from 'vitest';
import { useConsoleSession } from './console-session.js';
import { axeViolations } from './axe.js';
import { tabTo } from './keys.js';
import { confirmWithKeys, loadConsole, openFiles, opfsNames, opfsSha256 } from './page-helpers.js';

describe('console: deleting a file from private storage asks first', () => {
  const s = useConsoleSession();

  it('names the file and its size; Cancel keeps it, Confirm deletes it alone', async () => {
    const { fx, site, b } = s;
    const { page } = b;
    await loadConsole(page, site.url);
    await openFiles(page, [fx.top, fx.base]);
    for (const out of ['keep/a.raw', 'keep/b.raw']) {
      await page.fill('#convert-path', out);
      await page.click('#convert-start');
      await page.waitForSelector(`#convert-result:has-text("to ${out}.")`, { timeout: 60_000 });
      await page.waitForSelector(`#opfs-list li:has-text("${out}")`);
    }
    expect(await opfsSha256(page, 'keep/a.raw')).toBe(fx.flatSha256);
    // The size the dialog must name: the file's own, as the console writes sizes (64 MiB here).
    expect(fx.virtualSize).toBe(64 << 20);
    const size = await page.evaluate(async () => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('keep');
      return (await (await dir.getFileHandle('a.raw')).getFile()).size;
    });
    expect(size).toBe(fx.virtualSize);

    const del = 'button[aria-label="Delete keep/a.raw"]';
    await tabTo(page, del, 120);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#confirm-dialog[open]');
    expect(await page.textContent('#dialog-title')).toBe('Delete from private storage?');
    expect(await page.textContent('#dialog-body')).toContain('Deletes keep/a.raw (64 MiB)');
    expect(await page.textContent('#dialog-body')).not.toContain('keep/b.raw');
    expect(await axeViolations(page)).toEqual([]);
    // Focus starts on Cancel: Enter cancels.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('dialog-cancel');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#confirm-dialog', { state: 'detached' });
    expect(await opfsSha256(page, 'keep/a.raw')).toBe(fx.flatSha256);
    expect(await page.locator('#opfs-list li:has-text("keep/a.raw")').count()).toBe(1);

    await tabTo(page, del, 120);
    await page.keyboard.press('Enter');
    expect(await confirmWithKeys(page)).toContain('keep/a.raw (64 MiB)');
    await page.waitForSelector('#opfs-list li:has-text("keep/a.raw")', { state: 'detached' });
    expect(await page.textContent('#status')).toBe('Deleted keep/a.raw from private storage');
    const names = await opfsNames(page);
    expect(names).not.toContain('keep/a.raw');
    expect(names).toContain('keep/b.raw');
    expect(await opfsSha256(page, 'keep/b.raw')).toBe(fx.flatSha256);
    expect(b.problems).toEqual([]);
  }, 180_000);
});
