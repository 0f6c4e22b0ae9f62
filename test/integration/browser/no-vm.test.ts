// Where there is no demo VM (no qemu-system-x86_64, or --no-vm), the console says why the live
// operations are unavailable instead of offering them silently broken.
import { describe, expect, it } from 'vitest';
import { useSystemSession } from './system-session.js';
import { axeViolations } from './axe.js';

describe('console without a demo VM', () => {
  const s = useSystemSession('novm', { vm: false });

  it('explains why live operations are unavailable', async () => {
    const { sys, b } = s;
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
