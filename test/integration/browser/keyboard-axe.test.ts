// The console by keyboard alone (open an image through the file chooser, flatten it into OPFS,
// switch views) and axe-core on every view, with an image open, a convert done and an error shown.
import { describe, expect, it } from 'vitest';
import { useConsoleSession } from './console-session.js';
import { loadConsole, opfsSha256, waitForMap } from './page-helpers.js';
import { tabTo, focusVisible } from './keys.js';
import { axeViolations } from './axe.js';

describe('console: keyboard only, and no axe violations', () => {
  const session = useConsoleSession();

  it('opens and flattens an image with keys only', async () => {
    const { page } = session.b;
    await loadConsole(page, session.site.url);
    expect(await axeViolations(page)).toEqual([]);
    await tabTo(page, '#file-input');
    expect(await focusVisible(page)).toBe(true);
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Space');
    await (await chooser).setFiles([session.fx.top, session.fx.base]);
    await waitForMap(page);
    await tabTo(page, '#convert-path');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('keys/flat.raw');
    await tabTo(page, '#convert-start');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#convert-result:has-text("Done")', { timeout: 60_000 });
    expect(await opfsSha256(page, 'keys/flat.raw')).toBe(session.fx.flatSha256);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('switches views from the keyboard, focus following', async () => {
    const { page } = session.b;
    await page.keyboard.press('Control+Home');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabTo(page, 'nav a[href="#history"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'h-history');
    expect(await page.isVisible('#view-history')).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await tabTo(page, 'nav a[href="#gateway"]', 80, true);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'h-gateway');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('shows an error with its code and what to do, without axe violations', async () => {
    const { page } = session.b;
    // This console server has no gateway: connecting fails with a code and a hint.
    await tabTo(page, '#gw-token');
    await page.keyboard.type('not-a-token-at-all');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#gateway-error:not([hidden]) .code');
    const text = await page.textContent('#gateway-error');
    expect(text).toMatch(/E_[A-Z_]+/);
    expect(text).toContain('What to do');
    expect(await axeViolations(page)).toEqual([]);
  });
});
